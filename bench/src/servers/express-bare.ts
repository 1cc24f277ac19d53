import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/**
 * The same in-memory work as the adapter, written by hand in plain Express 5, as a careful
 * developer would: `express.json()` bodies, the minimal validation the routes need, JSON 404/422
 * errors, internal records mapped to wire shapes, and streamed, fsync'ed artifact uploads.
 */

interface Artifact {
  artifact_id: string;
  agent_created: boolean;
  file_name: string;
  relative_path: string | null;
}
interface TaskRecord {
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

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
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

export interface BareServer {
  app: Express;
  seed(count: number): Promise<void>;
  close(): Promise<void>;
}

export function createBareServer(options: { uploadDir: string }): BareServer {
  const tasks = new Map<string, TaskRecord>();
  const taskList: TaskRecord[] = [];
  const steps = new Map<string, StepRecord[]>();
  const files = new Map<string, { path: string; size: number }>();

  const insertTask = (body: ReturnType<typeof requestBody>): TaskRecord => {
    const task: TaskRecord = {
      task_id: randomUUID(),
      owner: 'anonymous',
      input: body.input,
      additional_input: body.additional_input,
      created_at: new Date().toISOString(),
      artifacts: [],
    };
    tasks.set(task.task_id, task);
    taskList.push(task);
    return task;
  };
  const taskOr404 = (id: string | undefined): TaskRecord => {
    const task = id === undefined ? undefined : tasks.get(id);
    if (!task) throw new HttpError(404, `Task '${id}' not found.`);
    return task;
  };

  const app = express();
  app.set('etag', false); // the adapter writes responses without an ETag; do the same work
  const json = express.json({ limit: '1mb' });

  app.post('/ap/v1/agent/tasks', json, (req, res) => {
    res.json(toTask(insertTask(requestBody(req.body))));
  });

  app.get('/ap/v1/agent/tasks', (req, res) => {
    const page = positiveInt(req.query.current_page, 'current_page', 1);
    const size = Math.min(positiveInt(req.query.page_size, 'page_size', 10), 1000);
    const offset = (page - 1) * size;
    res.json({
      tasks: taskList.slice(offset, offset + size).map(toTask),
      pagination: {
        total_items: taskList.length,
        total_pages: Math.ceil(taskList.length / size),
        current_page: page,
        page_size: size,
      },
    });
  });

  app.get('/ap/v1/agent/tasks/:task_id', (req, res) => {
    res.json(toTask(taskOr404(req.params.task_id)));
  });

  app.post('/ap/v1/agent/tasks/:task_id/steps', json, (req, res) => {
    const task = taskOr404(req.params.task_id);
    const body = requestBody(req.body);
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
    const list = steps.get(task.task_id) ?? [];
    list.push(step);
    steps.set(task.task_id, list);
    res.json(toStep(step));
  });

  app.post('/ap/v1/agent/tasks/:task_id/artifacts', async (req, res) => {
    const task = taskOr404(req.params.task_id);
    const artifactId = randomUUID();
    const path = join(options.uploadDir, artifactId);
    let fileName: string | undefined;
    let relativePath: string | null = null;
    let written: Promise<void> | undefined;
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: 512 * 1024 * 1024 },
    });
    parser.on('field', (name, value) => {
      if (name === 'relative_path' && value !== '') relativePath = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || written) return void stream.resume();
      fileName = info.filename ?? 'file';
      written = pipeline(stream, createWriteStream(path));
    });
    await pipeline(req, parser);
    if (!written || fileName === undefined) throw new HttpError(422, 'is required', 'file');
    await written;
    const handle = await open(path, 'r'); // durable before acknowledged, as the adapter is
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    files.set(artifactId, { path, size: (await stat(path)).size });
    const artifact: Artifact = {
      artifact_id: artifactId,
      agent_created: false,
      file_name: fileName,
      relative_path: relativePath,
    };
    task.artifacts.push(artifact);
    res.json(artifact);
  });

  app.get('/ap/v1/agent/tasks/:task_id/artifacts/:artifact_id', async (req, res) => {
    const task = taskOr404(req.params.task_id);
    const artifact = task.artifacts.find((a) => a.artifact_id === req.params.artifact_id);
    const file = artifact && files.get(artifact.artifact_id);
    if (!artifact || !file)
      throw new HttpError(404, `Artifact '${req.params.artifact_id}' not found.`);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.size),
      'content-disposition': `attachment; filename="${encodeURIComponent(artifact.file_name)}"`,
    });
    await pipeline(createReadStream(file.path), res);
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.destroy();
    const status =
      error instanceof HttpError ? error.status : ((error as { status?: number }).status ?? 500);
    const message = error instanceof Error ? error.message : 'Internal error';
    res
      .status(status)
      .json(
        error instanceof HttpError && error.field ? { message, field: error.field } : { message },
      );
  });

  return {
    app,
    async seed(count) {
      for (let i = 0; i < count; i++) insertTask({ input: `seeded task ${i}` });
    },
    close: async () => undefined,
  };
}
