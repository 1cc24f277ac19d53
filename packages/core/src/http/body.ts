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

function tooDeep(maxDepth: number): AgentProtocolError {
  return new AgentProtocolError(
    'json_too_deep',
    `Request body nests deeper than the ${maxDepth}-level limit for JSON bodies (each object or array is one level).`,
  );
}

// The bytes that matter, in UTF-8: none of them occurs inside a multi-byte sequence.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
/** Strings longer than this are skipped with a native search for their closing quote. */
const SHORT_STRING = 32;

/**
 * Whether JSON text nests deeper than `maxDepth` objects and arrays open at once (the outermost
 * is level 1). One pass over the bytes, no recursion and no allocation: brackets are counted,
 * string contents (escaped quotes included) are skipped. Meant for text about to be parsed: on
 * malformed text the answer means nothing, and the parser decides.
 */
export function jsonTextTooDeep(bytes: Buffer, maxDepth: number): boolean {
  const n = bytes.length;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      const stop = i + SHORT_STRING < n ? i + SHORT_STRING : n;
      for (i++; i < stop; i++) {
        const s = bytes[i];
        if (s === QUOTE) break;
        if (s === BACKSLASH) i++;
      }
      if (i >= stop) {
        // A long string: the first quote after an even run of backslashes (none) ends it.
        for (let from = i; ; from = i + 1) {
          i = bytes.indexOf(QUOTE, from);
          if (i === -1) return false;
          let k = i - 1;
          while (bytes[k] === BACKSLASH) k--;
          if (((i - k) & 1) === 1) break;
        }
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether a parsed JSON value nests deeper than `maxDepth` objects and arrays (the value itself
 * is level 1 when it is one). Iterative, so a value of any depth is measured without overflowing
 * the stack; stops at the first container past the limit.
 */
export function jsonValueTooDeep(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth < 1) return true;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const below = depths.pop()! + 1;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) {
          if (below > maxDepth) return true;
          nodes.push(child);
          depths.push(below);
        }
      }
    } else {
      for (const key in node) {
        const child: unknown = (node as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          if (below > maxDepth) return true;
          nodes.push(child);
          depths.push(below);
        }
      }
    }
  }
  return false;
}

/** The limits a JSON body is read under (`AgentProtocolLimits`, defaults applied). */
export interface JsonBodyLimits {
  maxJsonBytes: number;
  maxJsonDepth: number;
}

/**
 * Reads a JSON request body. An empty body is `{}`: upstream benchmark clients post empty steps.
 * A body a framework already parsed is taken as it is, under the same limits. Malformed JSON is a
 * 400 `bad_request` before its depth is considered (as a framework's parser would answer); a body
 * nesting deeper than `maxJsonDepth` is a 400 `json_too_deep`, so every body accepted can be
 * stored, serialised and served back without overflowing the stack.
 */
export async function readJsonBody(request: CoreRequest, limits: JsonBodyLimits): Promise<unknown> {
  const { maxJsonBytes, maxJsonDepth } = limits;
  const type = contentType(request);
  if (type.startsWith('multipart/')) {
    throw new AgentProtocolError(
      'unsupported_media_type',
      `This operation takes an application/json body, not ${type}.`,
    );
  }
  if (request.parsedBody !== undefined && request.body.readableEnded) {
    // The framework's parser ran with its own limits; ours still hold. Depth first: serialising
    // a value too deep to measure would overflow the stack.
    if (jsonValueTooDeep(request.parsedBody, maxJsonDepth)) throw tooDeep(maxJsonDepth);
    if (Buffer.byteLength(JSON.stringify(request.parsedBody) ?? '') > maxJsonBytes) {
      throw tooLarge(maxJsonBytes);
    }
    return request.parsedBody ?? {};
  }
  const raw = await readLimited(request.body, maxJsonBytes);
  // Well-formed JSON deeper than maxJsonDepth takes at least 2 × (maxJsonDepth + 1) bytes.
  const deep = raw.length >= 2 * (maxJsonDepth + 1) && jsonTextTooDeep(raw, maxJsonDepth);
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    // V8's JSON.parse does not recurse: it parses text of any depth without overflowing.
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input, which may hold a secret: say only where parsing stopped.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new AgentProtocolError(
      'bad_request',
      `Request body is not valid JSON${at ? ` (parsing stopped at byte ${at})` : ''}.`,
    );
  }
  if (deep) throw tooDeep(maxJsonDepth);
  return value;
}
