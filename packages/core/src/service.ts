import { randomUUID } from 'node:crypto';
import type {
  AgentDefinition,
  AgentInfo,
  Artifact,
  CreateArtifactInput,
  HandlerContext,
  Step,
  StepResult,
  Task,
} from './agent.js';
import { assertArtifactLocation } from './artifact-paths.js';
import type { Principal } from './auth/types.js';
import { ClientFunctions } from './client-functions.js';
import { resolveConfig } from './config-options.js';
import { AgentProtocolError } from './errors.js';
import type { FileStore } from './files.js';
import { toArtifact, toStep, toTask } from './records.js';
import type { ArtifactRecord, PageRequest, StepRecord, Store, TaskRecord } from './store/types.js';
import type { Logger } from './logger.js';
import {
  applyResults,
  assertDeclinable,
  pauseSentence,
  RunState,
  StepPaused,
  type FunctionResultInput,
  type PauseState,
} from './pause.js';
import { handlerSecrets } from './secrets/handler-secrets.js';
import type { SecretsService } from './secrets/service.js';
import { KeyedQueue } from './task-queue.js';

export interface Pagination {
  total_items: number;
  total_pages: number;
  current_page: number;
  page_size: number;
}

export function pagination(total: number, page: PageRequest): Pagination {
  return {
    total_items: total,
    total_pages: Math.ceil(total / page.size),
    current_page: page.page,
    page_size: page.size,
  };
}

interface RequestBody {
  input?: string | null;
  additional_input?: Record<string, unknown>;
  client_functions?: string[];
  function_results?: FunctionResultInput[];
  declined_secrets?: string[];
}

/** What a step's run knows of the task's history. */
interface StepRun {
  resumed: boolean;
  /** No step of the task was recorded before. */
  first: boolean;
  /** Every secret key declined in the task so far. */
  declined: string[];
}

/** The extension fields of a step request, echoed on the step like its input. */
function requestExtensions(
  answers: FunctionResultInput[],
  declines: string[],
): Record<string, unknown> | undefined {
  if (answers.length === 0 && declines.length === 0) return undefined;
  return {
    ...(answers.length > 0 ? { function_results: answers } : {}),
    ...(declines.length > 0 ? { declined_secrets: declines } : {}),
  };
}

const isBlank = (input: string | null | undefined) => input == null || input.trim() === '';

/**
 * The Agent Protocol's operations on a store, a file store and an agent, with no HTTP in sight.
 * Every method takes the calling principal and sees only that principal's data.
 */
export class AgentService {
  private readonly queue = new KeyedQueue();
  private readonly functions: ClientFunctions;

  constructor(
    private readonly agent: AgentDefinition,
    private readonly store: Store,
    private readonly files: FileStore,
    private readonly secrets: SecretsService,
    private readonly logger: Logger,
  ) {
    this.functions = new ClientFunctions(agent.clientFunctions);
  }

  /** Waits for every step in progress to finish (for a clean shutdown). */
  async drain(): Promise<void> {
    await this.queue.idle();
  }

  /**
   * The agent's description. `full` is false for a caller who sent no credentials to an agent
   * that requires them: then only what a client needs to authenticate is shown.
   */
  info(auth: NonNullable<AgentInfo['auth']>, full: boolean): AgentInfo {
    const { info, configOptions } = this.agent;
    const base = { name: info.name, protocol: info.protocol ?? 1, version: info.version, auth };
    // Seed 003 also advertises the auth method as a config option; clients that read it there find it.
    const options: Record<string, unknown> = {};
    const scheme = auth.schemes[0];
    if (scheme && scheme !== 'none') {
      options.auth = {
        type: 'string',
        default: scheme,
        description: 'The authentication method this agent accepts (details in `auth`).',
        options: auth.schemes,
      };
    }
    if (full) Object.assign(options, configOptions);
    const config_options = options as AgentInfo['config_options'];
    if (!full) return { ...base, config_options };
    const extensions: Partial<AgentInfo> = {};
    if (this.agent.secrets) extensions.secrets = this.agent.secrets;
    if (this.agent.clientFunctions) extensions.client_functions = this.agent.clientFunctions;
    return { ...info, ...base, config_options, ...extensions };
  }

  async createTask(principal: Principal, body: RequestBody): Promise<Task> {
    const config = resolveConfig(this.agent.configOptions, body.additional_input, 'task');
    this.functions.assertKnown(body.client_functions);
    const record: TaskRecord = {
      task_id: randomUUID(),
      owner: principal.id,
      input: body.input ?? null,
      additional_input: body.additional_input,
      client_functions: body.client_functions,
      created_at: new Date().toISOString(),
    };
    const created: ArtifactRecord[] = [];
    if (this.agent.onTask) {
      const ctx = this.context(principal, config, record, null, created, undefined);
      try {
        await this.agent.onTask({ task: toTask(record, []), ctx });
      } catch (error) {
        await this.discardFiles(created);
        throw handlerFailure(error, 'task');
      }
    }
    await this.store.insertTask(record, created);
    return toTask(record, created);
  }

  async getTask(principal: Principal, taskId: string): Promise<Task> {
    const record = await this.taskOr404(principal, taskId);
    return toTask(record, await this.store.artifactsOfTask(taskId));
  }

  async listTasks(principal: Principal, page: PageRequest) {
    const { items, total } = await this.store.listTasks(principal.id, page);
    const artifacts = await this.store.artifactsOfTasks(items.map((t) => t.task_id));
    const tasks = items.map((t) => toTask(t, artifacts.get(t.task_id) ?? []));
    return { tasks, pagination: pagination(total, page) };
  }

  async executeStep(principal: Principal, taskId: string, body: RequestBody): Promise<Step> {
    const task = await this.taskOr404(principal, taskId);
    const taskConfig = resolveConfig(this.agent.configOptions, task.additional_input, 'task');
    // Resolved now, so a bad option is a 422 before anything is queued or recorded.
    const config = resolveConfig(
      this.agent.configOptions,
      body.additional_input,
      'step',
      taskConfig,
    );
    return this.queue.run(taskId, () => this.runStep(principal, task, body, taskConfig, config));
  }

  private async runStep(
    principal: Principal,
    task: TaskRecord,
    body: RequestBody,
    taskConfig: Record<string, unknown>,
    stepConfig: Record<string, unknown>,
  ): Promise<Step> {
    // Resume the work a previous step paused, when the client answers it (function results,
    // declined secrets) or simply continues (an empty input); any other input starts new work and
    // drops the pause.
    const last = await this.store.lastStep(task.task_id);
    const paused = last?.pause;
    const answers = body.function_results ?? [];
    const declines = body.declined_secrets ?? [];
    const calls = answers.length > 0 ? applyResults(paused, answers) : (paused?.calls ?? []);
    assertDeclinable(paused, declines);
    const resume =
      paused !== undefined && (answers.length > 0 || declines.length > 0 || isBlank(body.input));
    // Declining is remembered for the rest of the task: each step carries the task's refusals.
    const declined = [...new Set([...(last?.declined ?? []), ...declines])];
    const work: PauseState['work'] = resume
      ? paused.work
      : { input: body.input ?? null, additional_input: body.additional_input };
    // The resumed work runs with the options it was started with.
    const config = resume
      ? resolveConfig(this.agent.configOptions, work.additional_input, 'step', taskConfig)
      : stepConfig;

    const step: StepRecord = {
      step_id: randomUUID(),
      task_id: task.task_id,
      name: null,
      status: 'running',
      input: body.input ?? null,
      additional_input: body.additional_input,
      output: null,
      additional_output: null,
      is_last: false,
      extensions: requestExtensions(answers, declines),
      declined: declined.length > 0 ? declined : undefined,
      created_at: new Date().toISOString(),
    };

    const created: ArtifactRecord[] = [];
    const state = new RunState(resume ? calls.map((c) => ({ ...c })) : []);
    try {
      const ctx = this.context(principal, config, task, step.step_id, created, state, {
        resumed: resume,
        first: last === undefined,
        declined,
      });
      const taskArtifacts = await this.store.artifactsOfTask(task.task_id);
      let result: StepResult = {};
      try {
        result =
          (await this.agent.onStep({
            task: toTask(task, taskArtifacts),
            step: toStep(step, []),
            input: work.input,
            additional_input: work.additional_input,
            ctx,
          })) ?? {};
      } catch (error) {
        if (!(error instanceof StepPaused)) throw error;
      }
      step.status = 'completed';
      // A handler that caught the pause and went on is still paused: what it returned is not an answer.
      if (state.paused) {
        await this.discardFiles(created.splice(0));
        this.pause(step, work, state);
      } else {
        step.output = result.output ?? null;
        step.is_last = result.is_last ?? false;
        step.name = result.name ?? null;
        step.additional_output = result.additional_output ?? null;
      }
    } catch (error) {
      await this.discardFiles(created);
      throw handlerFailure(error, 'step');
    }
    // One write, once the step is done: nothing of it was acknowledged before.
    await this.store.insertStep(step, created).catch(async (error: unknown) => {
      await this.discardFiles(created);
      throw error;
    });
    return toStep(step, created);
  }

  /** Ends a step paused: the sentence in `output`, the typed fields, and the work to resume. */
  private pause(step: StepRecord, work: PauseState['work'], state: RunState): void {
    const waiting = state.waiting.map(({ id, name, arguments: args }) => ({
      id,
      name,
      arguments: args,
    }));
    step.output = pauseSentence(state.demands, state.waiting);
    step.is_last = false;
    step.pause = { work, calls: state.calls, demands: state.demands };
    step.extensions = {
      ...step.extensions,
      ...(state.demands.length > 0 ? { secret_demands: state.demands } : {}),
      ...(waiting.length > 0 ? { function_calls: waiting } : {}),
    };
  }

  async getStep(principal: Principal, taskId: string, stepId: string): Promise<Step> {
    await this.taskOr404(principal, taskId);
    const step = await this.store.getStep(taskId, stepId);
    if (!step) throw AgentProtocolError.notFound('Step', stepId);
    return toStep(step, await this.store.artifactsOfStep(stepId));
  }

  async listSteps(principal: Principal, taskId: string, page: PageRequest) {
    await this.taskOr404(principal, taskId);
    const { items, total } = await this.store.listSteps(taskId, page);
    const artifacts = await this.store.artifactsOfSteps(items.map((s) => s.step_id));
    const steps = items.map((s) => toStep(s, artifacts.get(s.step_id) ?? []));
    return { steps, pagination: pagination(total, page) };
  }

  async listArtifacts(principal: Principal, taskId: string, page: PageRequest) {
    await this.taskOr404(principal, taskId);
    const { items, total } = await this.store.listArtifacts(taskId, page);
    return { artifacts: items.map(toArtifact), pagination: pagination(total, page) };
  }

  /**
   * Adds an uploaded artifact: the task is looked up first, so nothing is received for a task the
   * caller cannot see; then `receive` streams the body to a temporary file, recorded here.
   */
  async addUpload(
    principal: Principal,
    taskId: string,
    receive: () => Promise<{ tempPath: string; fileName: string; relativePath: string | null }>,
  ): Promise<Artifact> {
    await this.taskOr404(principal, taskId);
    const upload = await receive();
    try {
      assertArtifactLocation(upload.fileName, upload.relativePath);
    } catch (error) {
      await this.files.discard(upload.tempPath);
      throw error;
    }
    const artifactId = randomUUID();
    const size = await this.files.commit(upload.tempPath, artifactId);
    const record: ArtifactRecord = {
      artifact_id: artifactId,
      task_id: taskId,
      step_id: null,
      agent_created: false,
      file_name: upload.fileName,
      relative_path: upload.relativePath,
      size,
      created_at: new Date().toISOString(),
    };
    await this.store.insertArtifact(record);
    return toArtifact(record);
  }

  async download(principal: Principal, taskId: string, artifactId: string) {
    await this.taskOr404(principal, taskId);
    const record = await this.store.getArtifact(taskId, artifactId);
    if (!record) throw AgentProtocolError.notFound('Artifact', artifactId);
    return { record, stream: this.files.read(artifactId) };
  }

  /** Call before the task exists or is looked up by an adapter: 404 for another's task too. */
  async taskOr404(principal: Principal, taskId: string): Promise<TaskRecord> {
    const task = await this.store.getTask(principal.id, taskId);
    if (!task) throw AgentProtocolError.notFound('Task', taskId);
    return task;
  }

  private context(
    principal: Principal,
    config: Record<string, unknown>,
    task: TaskRecord,
    stepId: string | null,
    created: ArtifactRecord[],
    state: RunState | undefined,
    run?: StepRun,
  ): HandlerContext {
    const prefix = `[task ${task.task_id}${stepId ? ` step ${stepId}` : ''}]`;
    const needsStep = (what: string) =>
      new Error(`${what} can only pause a step, not task creation.`);
    return {
      principal,
      config,
      resumed: run?.resumed ?? false,
      firstStep: run?.first ?? false,
      log: {
        info: (message) => this.logger.info(`${prefix} ${message}`),
        error: (message, error) => this.logger.error(`${prefix} ${message}`, error),
      },
      secrets: handlerSecrets({
        secrets: this.secrets,
        principal,
        declared: this.agent.secrets ?? {},
        declined: new Set(run?.declined),
        state,
      }),
      functions: {
        available: (name) => task.client_functions?.includes(name) ?? false,
        // Not `async`: the call must register before the first await, so calls made together
        // (Promise.all) pause together.
        call: (name, args) => {
          try {
            if (!task.client_functions?.includes(name)) {
              throw new Error(
                `The client of this task did not opt in to '${name}' (see ctx.functions.available).`,
              );
            }
            this.functions.assertArguments(name, args);
            if (!state) throw needsStep('ctx.functions.call');
            return Promise.resolve(state.call(name, args));
          } catch (error) {
            return Promise.reject(error);
          }
        },
      },
      artifacts: {
        create: async (input: CreateArtifactInput) => {
          const relativePath = input.relativePath ?? null;
          assertArtifactLocation(input.fileName, relativePath);
          const artifactId = randomUUID();
          const size = await this.files.write(artifactId, input.data);
          const record: ArtifactRecord = {
            artifact_id: artifactId,
            task_id: task.task_id,
            step_id: stepId,
            agent_created: true,
            file_name: input.fileName,
            relative_path: relativePath,
            size,
            created_at: new Date().toISOString(),
          };
          created.push(record);
          return toArtifact(record);
        },
      },
    };
  }

  private async discardFiles(created: ArtifactRecord[]): Promise<void> {
    await Promise.all(created.map((a) => this.files.remove(a.artifact_id)));
  }
}

/**
 * A handler's own AgentProtocolError (a deliberate 4xx) reaches the client as it is; anything
 * else becomes a generic failure that says nothing of its cause.
 */
function handlerFailure(error: unknown, what: 'task' | 'step'): AgentProtocolError {
  if (error instanceof AgentProtocolError) return error;
  return new AgentProtocolError(
    'step_failed',
    what === 'step'
      ? 'The agent failed while executing the step. Nothing was recorded; the task can take another step.'
      : 'The agent failed while creating the task. Nothing was recorded.',
    { cause: error },
  );
}
