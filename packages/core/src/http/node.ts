import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { CoreRequest, CoreResponse } from './types.js';

/**
 * The node:http bridge, written once and shared by every adapter whose framework exposes Node's
 * request and response objects (Express, NestJS on Express, plain node:http).
 */
export function fromIncomingMessage(
  req: IncomingMessage,
  path: string,
  parsedBody?: unknown,
): CoreRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    body: req,
    parsedBody,
  };
}

/**
 * The path of a request URL relative to where the agent is mounted (`/agent` → `/ap/v1/...`), or
 * undefined when the URL lies outside it. `mountPath` is `''` or `/x` without a trailing slash.
 */
export function pathUnder(url: string, mountPath: string): string | undefined {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  if (path !== mountPath && !path.startsWith(`${mountPath}/`)) return undefined;
  return path.slice(mountPath.length) || '/';
}

export async function writeNodeResponse(
  res: ServerResponse,
  response: CoreResponse,
): Promise<void> {
  const { body } = response;
  if (body?.kind === 'stream') {
    res.writeHead(response.status, response.headers);
    await pipeline(body.stream, res).catch(() => res.destroy());
    return;
  }
  const payload = body ? JSON.stringify(body.value) : undefined;
  const headers = payload
    ? {
        ...response.headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(payload)),
      }
    : response.headers;
  res.writeHead(response.status, headers);
  res.end(payload);
}
