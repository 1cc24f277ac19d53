import type { Readable } from 'node:stream';

/**
 * What an adapter hands to the core: the request as the framework received it, before any
 * parsing. The core reads the body itself (JSON or a streamed multipart upload).
 */
export interface CoreRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path relative to where the agent is mounted, starting with `/` (`/ap/v1/agent/tasks`). */
  path: string;
  /**
   * Where the agent's `/ap/...` paths are mounted on the origin: `''` at the root, `/agent` below a
   * prefix. The discovery document names `<mountPath>/ap/v1` as its `endpoints.v1`.
   * @default ''
   */
  mountPath?: string;
  /** The raw query string without `?`, or already-split values. */
  query: string | URLSearchParams;
  /** Header names lower-case, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The unread request body. */
  body: Readable;
  /**
   * A body the framework already parsed (Express' `express.json()`, Koa's bodyparser).
   * When present and the stream was consumed, the core uses it instead of reading the stream.
   */
  parsedBody?: unknown;
}

/** What the core answers; an adapter writes it back unchanged. */
export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value to serialise, or a stream of bytes (artifact downloads), or nothing (204). */
  body?: { kind: 'json'; value: unknown } | { kind: 'stream'; stream: Readable };
}
