import { randomUUID } from 'node:crypto';

/**
 * The in-memory work every bare server does, whatever its framework, written once: the minimal
 * validation the routes need, internal records (with owner and timestamp) mapped to wire shapes,
 * random UUIDs, the echo step, and errors as `{ message, field? }` with a status. Each bare server
 * only adds its framework's routing, body parsing and JSON writing around it, so the bare columns
 * of different frameworks differ by the framework alone.
 */

export interface Artifact {
  artifact_id: string;
  agent_created: boolean;
  file_name: string;
  relative_path: string | null;
}
export interface TaskRecord {
  task_id: string;
  owner: string;
  input: string | null;
  additional_input: Record<string, unknown> | undefined;
  created_at: string;
  artifacts: Artifact[];
}
interface StepRecord {
  step_id: string;
  task_id: string;
  name: string | null;
  status: 'created' | 'running' | 'completed';
  input: string | null;
  additional_input: Record<string, unknown> | undefined;
  output: string | null;
  additional_output: Record<string, unknown> | null;
  is_last: boolean;
  created_at: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Status and JSON body for anything thrown: ours, a body parser's (`status`), or a 500. */
export function errorAnswer(error: unknown): {
  status: number;
  body: { message: string; field?: string };
} {
  const status =
    error instanceof HttpError ? error.status : ((error as { status?: number }).status ?? 500);
  const message = error instanceof Error ? error.message : 'Internal error';
  return {
    status,
    body: error instanceof HttpError && error.field ? { message, field: error.field } : { message },
  };
}

const toTask = (t: TaskRecord) => ({
  task_id: t.task_id,
  input: t.input,
  additional_input: t.additional_input ?? {},
  artifacts: t.artifacts,
});

const toStep = (s: StepRecord) => ({
  task_id: s.task_id,
  step_id: s.step_id,
  name: s.name,
  status: s.status,
  input: s.input,
  additional_input: s.additional_input ?? {},
  output: s.output,
  additional_output: s.additional_output,
  artifacts: [],
  is_last: s.is_last,
  // How a completed step ended (PROTOCOL.md section 8): the bare server's echo always succeeds.
  ...(s.status === 'completed' ? { outcome: 'succeeded' as const } : {}),
});

/** The request body fields both task and step bodies share, checked. */
function requestBody(body: unknown): {
  input: string | null;
  additional_input?: Record<string, unknown>;
} {
  const value = body ?? {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new HttpError(422, 'must be an object', 'body');
  const { input, additional_input } = value as Record<string, unknown>;
  if (input !== undefined && input !== null && typeof input !== 'string') {
    throw new HttpError(422, 'must be a string or null', 'input');
  }
  if (
    additional_input !== undefined &&
    (typeof additional_input !== 'object' ||
      additional_input === null ||
      Array.isArray(additional_input))
  ) {
    throw new HttpError(422, 'must be an object', 'additional_input');
  }
  return {
    input: (input as string | null | undefined) ?? null,
    additional_input: additional_input as Record<string, unknown> | undefined,
  };
}

function positiveInt(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new HttpError(422, 'must be an integer >= 1', field);
  return n;
}

export class BareTasks {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly taskList: TaskRecord[] = [];
  private readonly steps = new Map<string, StepRecord[]>();

  private insert(body: ReturnType<typeof requestBody>): TaskRecord {
    const task: TaskRecord = {
      task_id: randomUUID(),
      owner: 'anonymous',
      input: body.input,
      additional_input: body.additional_input,
      created_at: new Date().toISOString(),
      artifacts: [],
    };
    this.tasks.set(task.task_id, task);
    this.taskList.push(task);
    return task;
  }

  taskOr404(id: string | undefined): TaskRecord {
    const task = id === undefined ? undefined : this.tasks.get(id);
    if (!task) throw new HttpError(404, `Task '${id}' not found.`);
    return task;
  }

  /** `POST /ap/v1/agent/tasks` with a parsed (unchecked) body. */
  createTask(body: unknown) {
    return toTask(this.insert(requestBody(body)));
  }

  /** `GET /ap/v1/agent/tasks/{task_id}`. */
  getTask(id: string | undefined) {
    return toTask(this.taskOr404(id));
  }

  /** `GET /ap/v1/agent/tasks?current_page=…&page_size=…`, query values as strings or undefined. */
  listTasks(currentPage: unknown, pageSize: unknown) {
    const page = positiveInt(currentPage, 'current_page', 1);
    const size = Math.min(positiveInt(pageSize, 'page_size', 10), 1000);
    const offset = (page - 1) * size;
    return {
      tasks: this.taskList.slice(offset, offset + size).map(toTask),
      pagination: {
        total_items: this.taskList.length,
        total_pages: Math.ceil(this.taskList.length / size),
        current_page: page,
        page_size: size,
      },
    };
  }

  /** `POST /ap/v1/agent/tasks/{task_id}/steps`: the echo step. */
  executeStep(taskId: string | undefined, rawBody: unknown) {
    const task = this.taskOr404(taskId);
    const body = requestBody(rawBody);
    const step: StepRecord = {
      step_id: randomUUID(),
      task_id: task.task_id,
      name: null,
      status: 'completed',
      input: body.input,
      additional_input: body.additional_input,
      output: body.input ?? '',
      additional_output: null,
      is_last: false,
      created_at: new Date().toISOString(),
    };
    const list = this.steps.get(task.task_id) ?? [];
    list.push(step);
    this.steps.set(task.task_id, list);
    return toStep(step);
  }

  seed(count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(this.insert({ input: `seeded task ${i}` }).task_id);
    return ids;
  }
}
