import { randomUUID } from 'node:crypto';
import type { AgentDefinition, AgentInfo, Artifact, Step, StepResult, Task } from './agent.js';
import { assertArtifactLocation } from './artifact-paths.js';
import type { Principal } from './auth/types.js';
import { ClientFunctions } from './client-functions.js';
import { resolveConfig } from './config-options.js';
import { AgentProtocolError } from './errors.js';
import type { Coordination } from './coordination/types.js';
import type { ArtifactFiles } from './store/artifact-files.js';
import { toArtifact, toStep, toTask } from './records.js';
import type { ArtifactRecord, PageRequest, StepRecord, Store, TaskRecord } from './store/types.js';
import type { Logger } from './logger.js';
import {
  applyResults,
  assertDeclinable,
  pauseSentence,
  RunState,
  StepPaused,
  type PauseState,
} from './pause.js';
import { handlerContext, type HandlerDeps } from './handler-context.js';
import type { OAuthService } from './oauth/service.js';
import type { SecretsService } from './secrets/service.js';
import { eventsOfCompletedStep, StepEvents } from './steps/events.js';
import { StepRunner, type ExecuteStep, type LiveStep } from './steps/runner.js';
import { completeStep, failureOf, INTERRUPTED } from './steps/state.js';
import { drain, joinOutput } from './steps/output.js';
import { bodyOf, isBlank, newStep, type RequestBody } from './steps/request.js';

export interface Pagination {
  total_items: number;
  total_pages: number;
  current_page: number;
  page_size: number;
}

/** Beyond v1, what every server of this package does (PROTOCOL.md section 8). */
const CAPABILITIES = { background_steps: true, step_events: true, step_cancel: true } as const;

export function pagination(total: number, page: PageRequest): Pagination {
  return {
    total_items: total,
    total_pages: Math.ceil(total / page.size),
    current_page: page.page,
    page_size: page.size,
  };
}

/**
 * The Agent Protocol's operations on a store, a file store and an agent, with no HTTP in sight.
 * Every method takes the calling principal and sees only that principal's data.
 */
export class AgentService {
  private readonly runner: StepRunner;
  /** The live feed of step events, for streams. */
  readonly events: StepEvents;
  private readonly handlerDeps: HandlerDeps;

  constructor(
    private readonly agent: AgentDefinition,
    private readonly store: Store,
    private readonly files: ArtifactFiles,
    private readonly secrets: SecretsService,
    private readonly logger: Logger,
    coordination: Coordination,
    maxStepsPerPrincipal: number | undefined,
    private readonly oauth: OAuthService,
  ) {
    this.events = new StepEvents(store, coordination);
    this.runner = new StepRunner(store, this.events, logger, coordination, maxStepsPerPrincipal);
    this.handlerDeps = {
      agent,
      files,
      secrets,
      functions: new ClientFunctions(agent.clientFunctions),
      logger,
      oauth,
    };
  }

  /** Waits for every step in progress to finish (for a clean shutdown). */
  async drain(graceMs = 10_000): Promise<void> {
    await this.runner.close(graceMs);
    this.events.close();
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
    const extensions: Partial<AgentInfo> = { capabilities: CAPABILITIES };
    if (this.agent.secrets) extensions.secrets = this.agent.secrets;
    if (this.agent.clientFunctions) extensions.client_functions = this.agent.clientFunctions;
    const providers = this.oauth.info();
    if (providers) extensions.oauth_providers = providers;
    return { ...info, ...base, config_options, ...extensions };
  }

  async createTask(principal: Principal, body: RequestBody): Promise<Task> {
    const config = resolveConfig(this.agent.configOptions, body.additional_input, 'task');
    this.handlerDeps.functions.assertKnown(body.client_functions);
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
      const ctx = handlerContext(
        this.handlerDeps,
        principal,
        config,
        record,
        null,
        created,
        undefined,
      );
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

  /** A v1 step: runs when its turn comes, answered finished (`outcome` says how it ended). */
  async executeStep(principal: Principal, taskId: string, body: RequestBody): Promise<Step> {
    const { task, run } = await this.prepare(principal, taskId, body);
    const record = newStep(task, body, principal);
    const turn = await this.runner.reserve(record);
    const { step, created } = await this.runner.runSync(record, turn, run);
    return toStep(step, created);
  }

  /**
   * A background step (`Prefer: respond-async`): recorded and acknowledged at once, run when its
   * turn comes. `onSettled` runs once it has completed.
   */
  async startStep(
    principal: Principal,
    taskId: string,
    body: RequestBody,
    onSettled: () => void = () => undefined,
  ): Promise<Step> {
    const { task, run } = await this.prepare(principal, taskId, body);
    const step = newStep(task, body, principal);
    const turn = await this.runner.reserve(step);
    // Answers to a pause are checked now when nothing of the task is ahead of this step, so a
    // wrong one is a 409 rather than a failed step later.
    if (turn.first) {
      try {
        const paused = (await this.store.lastStep(taskId))?.pause;
        if (body.function_results?.length) applyResults(paused, body.function_results);
        assertDeclinable(paused, body.declined_secrets ?? []);
      } catch (error) {
        await turn.release();
        throw error;
      }
    }
    return this.runner.startBackground(step, turn, run, onSettled);
  }

  /** Cancels a step of the caller's task (409 once it has completed). */
  async cancelStep(principal: Principal, taskId: string, stepId: string): Promise<Step> {
    return this.runner.cancel(await this.stepOr404(principal, taskId, stepId));
  }

  /** The step and its events after `after`: the log of a background step, or rebuilt. */
  async replayEvents(principal: Principal, taskId: string, stepId: string, after: number) {
    const step = await this.stepOr404(principal, taskId, stepId);
    let records = await this.store.stepEvents(stepId, after);
    if (records.length === 0 && step.status === 'completed' && !(await this.hasLog(stepId))) {
      const artifacts = (await this.store.artifactsOfStep(stepId)).map(toArtifact);
      records = eventsOfCompletedStep(toStep(step, []), artifacts).filter((e) => e.id > after);
    }
    return { records, finished: step.status === 'completed' };
  }

  private async hasLog(stepId: string): Promise<boolean> {
    return (await this.store.stepEvents(stepId, 0)).length > 0;
  }

  async stepOr404(principal: Principal, taskId: string, stepId: string): Promise<StepRecord> {
    await this.taskOr404(principal, taskId);
    const step = await this.store.getStep(taskId, stepId);
    if (!step) throw AgentProtocolError.notFound('Step', stepId);
    return step;
  }

  /**
   * Looks after what a stopped process left (at start, and whenever a process sharing the store
   * dies): interrupted steps completed, waiting ones run. Resolves after the first hand-over.
   */
  async recover(): Promise<void> {
    await this.runner.watch((step) => async (record, live) => {
      const task = await this.store.getTask(step.owner ?? 'anonymous', step.task_id);
      if (!task) throw new Error(`task ${step.task_id} of step ${step.step_id} is gone`);
      const body = bodyOf(step);
      const { run } = await this.prepare({ id: task.owner, claims: {} }, task.task_id, body);
      return run(record, live);
    });
  }

  /** Checks a step request before anything is queued or recorded, and builds its run. */
  private async prepare(principal: Principal, taskId: string, body: RequestBody) {
    const task = await this.taskOr404(principal, taskId);
    const taskConfig = resolveConfig(this.agent.configOptions, task.additional_input, 'task');
    // Resolved now, so a bad option is a 422 before anything is queued or recorded.
    const config = resolveConfig(
      this.agent.configOptions,
      body.additional_input,
      'step',
      taskConfig,
    );
    const run: ExecuteStep = (step, live) =>
      this.runStep(principal, task, step, body, taskConfig, config, live);
    return { task, run };
  }

  private async runStep(
    principal: Principal,
    task: TaskRecord,
    step: StepRecord,
    body: RequestBody,
    taskConfig: Record<string, unknown>,
    stepConfig: Record<string, unknown>,
    live: LiveStep,
  ): Promise<ArtifactRecord[]> {
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
    if (declined.length > 0) step.declined = declined;
    const work: PauseState['work'] = resume
      ? paused.work
      : { input: body.input ?? null, additional_input: body.additional_input };
    // The resumed work runs with the options it was started with.
    const config = resume
      ? resolveConfig(this.agent.configOptions, work.additional_input, 'step', taskConfig)
      : stepConfig;

    const created: ArtifactRecord[] = [];
    const state = new RunState(resume ? calls.map((c) => ({ ...c })) : []);
    let result: StepResult = {};
    try {
      const ctx = handlerContext(
        this.handlerDeps,
        principal,
        config,
        task,
        step.step_id,
        created,
        state,
        {
          resumed: resume,
          first: last === undefined,
          declined,
          live,
        },
      );
      const taskArtifacts = await this.store.artifactsOfTask(task.task_id);
      try {
        const returned = await this.agent.onStep({
          task: toTask(task, taskArtifacts),
          step: toStep(step, []),
          input: work.input,
          additional_input: work.additional_input,
          ctx,
        });
        result = await drain(returned, live);
      } catch (error) {
        if (!(error instanceof StepPaused)) throw error;
      }
    } catch (error) {
      await this.discardFiles(created.splice(0));
      // A handler's own AgentProtocolError is a deliberate 4xx: a v1 client gets it as it is.
      if (error instanceof AgentProtocolError && !live.logged) throw error;
      if (!live.controller.signal.aborted) {
        this.logger.error(`[task ${task.task_id} step ${step.step_id}] the handler failed`, error);
      }
      step.output = live.written || null;
      if (live.interrupted) completeStep(step, 'failed', INTERRUPTED);
      else if (live.controller.signal.aborted) completeStep(step, 'cancelled');
      else completeStep(step, 'failed', failureOf(error));
      return created;
    }
    // A handler that caught the pause and went on is still paused: what it returned is not an answer.
    if (state.paused && !live.controller.signal.aborted) {
      await this.discardFiles(created.splice(0));
      completeStep(step, 'succeeded');
      this.pause(step, work, state);
      // What was streamed before the pause stays the start of the output.
      step.output = live.written + (step.output ?? '');
      return created;
    }
    step.output = joinOutput(live.written, result.output) ?? null;
    step.is_last = result.is_last ?? false;
    step.name = result.name ?? null;
    step.additional_output = result.additional_output ?? null;
    if (live.interrupted) completeStep(step, 'failed', INTERRUPTED);
    else completeStep(step, live.controller.signal.aborted ? 'cancelled' : 'succeeded');
    return created;
  }

  /** Ends a step paused: the sentence in `output`, the typed fields, and the work to resume. */
  private pause(step: StepRecord, work: PauseState['work'], state: RunState): void {
    const waiting = state.waiting.map(({ id, name, arguments: args }) => ({
      id,
      name,
      arguments: args,
    }));
    step.output = pauseSentence(state.demands, state.waiting, state.logins);
    step.is_last = false;
    step.pause = { work, calls: state.calls, demands: state.demands };
    step.extensions = {
      ...step.extensions,
      ...(state.demands.length > 0 ? { secret_demands: state.demands } : {}),
      ...(waiting.length > 0 ? { function_calls: waiting } : {}),
      ...(state.logins.length > 0 ? { auth_demands: state.logins } : {}),
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
