import { request as httpRequest } from 'node:http';
import { toBuffer } from './bytes.js';
import type { CaseRequest, MultipartPart } from './case.js';

/** What came back for one request; `error` instead of a status when no response arrived. */
export interface Observed {
  /** 0 when the connection failed before a response (see `error`). */
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** The parsed body when it was JSON (by content type or by shape), else `undefined`. */
  json: unknown;
  error?: string;
}

const TIMEOUT_MS = 20_000;

function buildUrl(baseUrl: string, request: CaseRequest): string {
  // Query values go out as written, so a case can send `%ZZ` or `page_size=1e3` untouched.
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${baseUrl.replace(/\/$/, '')}${request.path}${query ? `?${query}` : ''}`;
}

function multipartBody(parts: MultipartPart[]): FormData {
  const form = new FormData();
  for (const part of parts) {
    if ('value' in part) form.append(part.field, part.value);
    else {
      const type = part.contentType ?? 'application/octet-stream';
      form.append(part.field, new Blob([toBuffer(part.content)], { type }), part.filename);
    }
  }
  return form;
}

function body(request: CaseRequest): {
  body?: RequestInit['body'];
  headers: Record<string, string>;
} {
  const headers = { ...(request.headers ?? {}) };
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (request.multipart) return { body: multipartBody(request.multipart), headers };
  if (request.rawBody !== undefined) return { body: toBuffer(request.rawBody), headers };
  if (request.json !== undefined) {
    if (!has('content-type')) headers['content-type'] = 'application/json';
    return { body: JSON.stringify(request.json), headers };
  }
  return { headers };
}

async function observe(
  status: number,
  headers: Record<string, string>,
  bytes: Buffer,
): Promise<Observed> {
  let json: unknown;
  const text = bytes.toString('utf8');
  if (/json/i.test(headers['content-type'] ?? '') || /^\s*[[{]/.test(text)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status, headers, body: bytes, json };
}

function failed(error: unknown): Observed {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? '';
  return {
    status: 0,
    headers: {},
    body: Buffer.alloc(0),
    json: undefined,
    error: `${(error as Error).message}${detail ? ` (${detail})` : ''}`,
  };
}

/** `fetch` refuses a body on GET and HEAD, which upstream clients do send: node:http it is. */
function sendRaw(
  url: string,
  method: string,
  payload: Buffer,
  headers: Record<string, string>,
): Promise<Observed> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method,
        headers: { ...headers, 'content-length': String(payload.length) },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) flat[k] = String(v);
          resolve(observe(res.statusCode ?? 0, flat, Buffer.concat(chunks)));
        });
        res.on('error', (e) => resolve(failed(e)));
      },
    );
    req.on('error', (e) => resolve(failed(e)));
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(payload);
  });
}

/** Sends one case request to a running server and reads the whole response. */
export async function send(baseUrl: string, request: CaseRequest): Promise<Observed> {
  const url = buildUrl(baseUrl, request);
  const method = request.method.toUpperCase();
  const { body: payload, headers } = body(request);
  if ((method === 'GET' || method === 'HEAD') && payload !== undefined) {
    return sendRaw(url, method, Buffer.from(payload as string | Buffer), headers);
  }
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const flat: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      flat[key] = value;
    });
    return observe(response.status, flat, Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    return failed(error);
  }
}
