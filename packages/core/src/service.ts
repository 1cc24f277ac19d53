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
import { resolveConfig } from './config-options.js';
import { AgentProtocolError } from './errors.js';
import type { FileStore } from './files.js';
import { toArtifact, toStep, toTask } from './records.js';
import type { ArtifactRecord, PageRequest, StepRecord, Store, TaskRecord } from './store/types.js';
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
}

/**
 * The Agent Protocol's operations on a store, a file store and an agent, with no HTTP in sight.
 * Every method takes the calling principal and sees only that principal's data.
 */
export class AgentService {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly agent: AgentDefinition,
    private readonly store: Store,
    private readonly files: FileStore,
  ) {}

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
    return full ? { ...info, ...base, config_options } : { ...base, config_options };
  }

  async createTask(principal: Principal, body: RequestBody): Promise<Task> {
    const config = resolveConfig(this.agent.configOptions, body.additional_input, 'task');
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
      const ctx = this.context(principal, config, record.task_id, null, created);
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
    const tasks = await Promise.all(
      items.map(async (t) => toTask(t, await this.store.artifactsOfTask(t.task_id))),
    );
    return { tasks, pagination: pagination(total, page) };
  }

  async executeStep(principal: Principal, taskId: string, body: RequestBody): Promise<Step> {
    const task = await this.taskOr404(principal, taskId);
    const taskConfig = resolveConfig(this.agent.configOptions, task.additional_input, 'task');
    const config = resolveConfig(
      this.agent.configOptions,
      body.additional_input,
      'step',
      taskConfig,
    );
    return this.queue.run(taskId, () => this.runStep(principal, task, body, config));
  }

  private async runStep(
    principal: Principal,
    task: TaskRecord,
    body: RequestBody,
    config: Record<string, unknown>,
  ): Promise<Step> {
    const step: StepRecord = {
      step_id: randomUUID(),
      task_id: task.task_id,
      name: null,
      status: 'created',
      input: body.input ?? null,
      additional_input: body.additional_input,
      output: null,
      additional_output: null,
      is_last: false,
      extensions: undefined,
      created_at: new Date().toISOString(),
    };
    await this.store.insertStep(step);
    step.status = 'running';
    await this.store.updateStep(step);

    const created: ArtifactRecord[] = [];
    try {
      const ctx = this.context(principal, config, task.task_id, step.step_id, created);
      const taskArtifacts = await this.store.artifactsOfTask(task.task_id);
      const result: StepResult =
        (await this.agent.onStep({
          task: toTask(task, taskArtifacts),
          step: toStep(step, []),
          input: step.input,
          additional_input: step.additional_input,
          ctx,
        })) ?? {};
      step.status = 'completed';
      step.output = result.output ?? null;
      step.is_last = result.is_last ?? false;
      step.name = result.name ?? null;
      step.additional_output = result.additional_output ?? null;
      await this.store.completeStep(step, created);
    } catch (error) {
      await this.store.deleteStep(task.task_id, step.step_id);
      await this.discardFiles(created);
      throw handlerFailure(error, 'step');
    }
    return toStep(step, created);
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
    const steps = await Promise.all(
      items.map(async (s) => toStep(s, await this.store.artifactsOfStep(s.step_id))),
    );
    return { steps, pagination: pagination(total, page) };
  }

  async listArtifacts(principal: Principal, taskId: string, page: PageRequest) {
    await this.taskOr404(principal, taskId);
    const { items, total } = await this.store.listArtifacts(taskId, page);
    return { artifacts: items.map(toArtifact), pagination: pagination(total, page) };
  }

  /** Records an uploaded file already streamed to `tempPath`. */
  async addUpload(
    principal: Principal,
    taskId: string,
    upload: { tempPath: string; fileName: string; relativePath: string | null },
  ): Promise<Artifact> {
    try {
      await this.taskOr404(principal, taskId);
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
    taskId: string,
    stepId: string | null,
    created: ArtifactRecord[],
  ): HandlerContext {
    return {
      principal,
      config,
      artifacts: {
        create: async (input: CreateArtifactInput) => {
          const relativePath = input.relativePath ?? null;
          assertArtifactLocation(input.fileName, relativePath);
          const artifactId = randomUUID();
          const size = await this.files.write(artifactId, input.data);
          const record: ArtifactRecord = {
            artifact_id: artifactId,
            task_id: taskId,
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
