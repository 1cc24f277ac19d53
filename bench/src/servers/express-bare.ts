import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ChildConfig } from '../protocol.js';
import { BareTasks, HttpError, errorAnswer, type Artifact } from './bare-tasks.js';
import type { BenchServer } from './types.js';

/**
 * The same in-memory work as the adapter, written by hand in plain Express 5, as a careful
 * developer would: `express.json()` bodies, the shared validation and wire shapes
 * (`bare-tasks.ts`), JSON 404/422 errors, and streamed, fsync'ed artifact uploads.
 */
export function createExpressBare(config: ChildConfig): BenchServer {
  const tasks = new BareTasks();
  const files = new Map<string, { path: string; size: number }>();

  const app = express();
  app.set('etag', false); // the adapter writes responses without an ETag; do the same work
  const json = express.json({ limit: '1mb' });

  app.post('/ap/v1/agent/tasks', json, (req, res) => {
    res.json(tasks.createTask(req.body));
  });

  app.get('/ap/v1/agent/tasks', (req, res) => {
    res.json(tasks.listTasks(req.query.current_page, req.query.page_size));
  });

  app.get('/ap/v1/agent/tasks/:task_id', (req, res) => {
    res.json(tasks.getTask(req.params.task_id));
  });

  app.post('/ap/v1/agent/tasks/:task_id/steps', json, (req, res) => {
    res.json(tasks.executeStep(req.params.task_id, req.body));
  });

  app.post('/ap/v1/agent/tasks/:task_id/artifacts', async (req, res) => {
    const task = tasks.taskOr404(req.params.task_id);
    const artifactId = randomUUID();
    const path = join(config.dataDir, artifactId);
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
    const task = tasks.taskOr404(req.params.task_id);
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
    const { status, body } = errorAnswer(error);
    res.status(status).json(body);
  });

  return {
    server: createServer(app),
    seed: async (count) => tasks.seed(count),
    close: async () => undefined,
  };
}
