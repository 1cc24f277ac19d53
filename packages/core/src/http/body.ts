import type { Readable } from 'node:stream';
import { AgentProtocolError } from '../errors.js';
import type { CoreRequest } from './types.js';

function headerValue(headers: CoreRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function contentType(request: CoreRequest): string {
  return (headerValue(request.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function tooLarge(limit: number): AgentProtocolError {
  return new AgentProtocolError(
    'payload_too_large',
    `Request body is larger than the ${limit}-byte limit for JSON bodies.`,
  );
}

/** Collects a body up to `limit` bytes; beyond it, drains the rest (so the 413 can be read). */
function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        cleanup();
        stream.resume();
        reject(tooLarge(limit));
      } else chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(
        new AgentProtocolError(
          'bad_request',
          `The request body could not be read: ${error.message}.`,
        ),
      );
    };
    const cleanup = () => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/**
 * Reads a JSON request body. An empty body is `{}`: upstream benchmark clients post empty steps.
 * A body a framework already parsed is taken as it is.
 */
export async function readJsonBody(request: CoreRequest, limit: number): Promise<unknown> {
  const type = contentType(request);
  if (type.startsWith('multipart/')) {
    throw new AgentProtocolError(
      'unsupported_media_type',
      `This operation takes an application/json body, not ${type}.`,
    );
  }
  if (request.parsedBody !== undefined && request.body.readableEnded) {
    // The framework's parser ran with its own limit; ours still holds.
    if (Buffer.byteLength(JSON.stringify(request.parsedBody) ?? '') > limit) throw tooLarge(limit);
    return request.parsedBody ?? {};
  }
  const raw = await readLimited(request.body, limit);
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input, which may hold a secret: say only where parsing stopped.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new AgentProtocolError(
      'bad_request',
      `Request body is not valid JSON${at ? ` (parsing stopped at byte ${at})` : ''}.`,
    );
  }
}
