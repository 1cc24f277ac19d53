import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BareTasks, HttpError, errorAnswer } from './bare-tasks.js';
import type { BenchServer } from './types.js';

const TASKS = '/ap/v1/agent/tasks';
const LIMIT = 1024 * 1024;

/** Reads a JSON body (1 MiB at most); a body that is not `application/json` reads as `undefined`. */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) {
      req.resume();
      throw new HttpError(413, 'request entity too large');
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON.');
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

/**
 * The bare server's work (`bare-tasks.ts`) on raw node:http, with a hand-written router: split
 * the URL at `?`, match the path by hand, read JSON bodies with a 1 MiB limit, answer with
 * `JSON.stringify` and a Content-Length. What "no framework at all" costs.
 */
export function createNodeRaw(): BenchServer {
  const tasks = new BareTasks();

  async function route(req: IncomingMessage): Promise<unknown> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method;
    if (path === TASKS) {
      if (method === 'POST') return tasks.createTask(await jsonBody(req));
      if (method === 'GET') {
        const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
        return tasks.listTasks(
          query.get('current_page') ?? undefined,
          query.get('page_size') ?? undefined,
        );
      }
    } else if (path.startsWith(`${TASKS}/`)) {
      const rest = path.slice(TASKS.length + 1);
      const slash = rest.indexOf('/');
      const id = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
      const tail = slash === -1 ? '' : rest.slice(slash);
      if (tail === '' && method === 'GET') return tasks.getTask(id);
      if (tail === '/steps' && method === 'POST') return tasks.executeStep(id, await jsonBody(req));
    }
    throw new HttpError(404, `No route for ${method} ${path}.`);
  }

  const server = createServer((req, res) => {
    route(req).then(
      (value) => send(res, 200, value),
      (error: unknown) => {
        const { status, body } = errorAnswer(error);
        send(res, status, body);
      },
    );
  });
  return { server, seed: async (count) => tasks.seed(count), close: async () => undefined };
}
