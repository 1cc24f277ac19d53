/**
 * The shape of a conformance case. Cases are plain data so that every adapter (and any server in
 * any language) is held to the same table, and so a failing case can be printed and replayed.
 */

/** Bytes as data: UTF-8 text, base64, or `size` copies of one byte (for over-limit bodies). */
export type Bytes = string | { base64: string } | { fill: number; size: number };

/** One part of a multipart/form-data body, in the order it is sent. */
export type MultipartPart =
  | { field: string; value: string }
  | { field: string; filename: string; content: Bytes; contentType?: string };

/**
 * A request. Strings in `path`, `query`, `headers` and `json` may name variables bound by earlier
 * requests of the same case: `{task_id}`.
 */
export interface CaseRequest {
  method: string;
  path: string;
  /** Appended as a query string, in order; values are sent exactly as written. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Serialised as the body, with `content-type: application/json` unless `headers` say otherwise. */
  json?: unknown;
  /** Sent byte for byte; set `content-type` in `headers` yourself. */
  rawBody?: Bytes;
  /** A real multipart/form-data body (built with `FormData`). */
  multipart?: MultipartPart[];
}

/**
 * A matcher for a JSON value. Objects match partially (keys not named are not checked), arrays
 * match element by element and in length, `RegExp` matches strings, and these operators:
 * - `{ $type: 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array' }`
 * - `{ $absent: true }` the key is missing (or `undefined`)
 * - `{ $length: n }` an array or string of that length
 * - `{ $contains: matcher }` an array with at least one matching element
 * - `{ $not: matcher }` anything the inner matcher rejects
 * - `{ $startsWith: '...' }` / `{ $includes: '...' }` for strings
 * - `{ $keys: ['a', 'b'] }` an object with exactly these keys (in any order), nothing more
 * - `{ $and: [matcher, ...] }` every matcher at once (e.g. `$keys` and the values)
 * - `{ $anyOf: [matcher, ...] }` at least one of the matchers
 * - `{ $has: ['a', 'b'] }` an object with at least these keys (others allowed)
 * - `{ $none: true }` nothing there: the key is missing, `null` or an empty array
 * - `{ $mentions: 'text' }` a value whose JSON text holds `text`, in any case (an error naming a field)
 */
export type Matcher = unknown;

export interface Expected {
  status: number;
  /** Header names lower-case; a string must equal the header, a RegExp must match it. */
  headers?: Record<string, string | RegExp>;
  /** A matcher for the parsed JSON body. */
  json?: Matcher;
  /** The exact body bytes (artifact downloads). */
  bodyBytes?: Bytes;
  /**
   * The label of an earlier request of the same case (`setup 1`, `given`, `then 1`) whose JSON
   * body this one must equal, deeply: "the same document, whoever asks".
   */
  sameJsonAs?: string;
  /**
   * Paths, relative to the server's data dir, that must not exist afterwards: where a naive
   * server would have written an upload whose name tries to escape.
   */
  absentFiles?: string[];
}

/** A request made to reach a case's starting state. Its status must be `status` (default 2xx). */
export interface SetupRequest {
  given: CaseRequest;
  /** Expected status; any 2xx when absent. */
  status?: number;
  /** Variables to bind from the JSON response: name → dotted path (`artifacts.0.artifact_id`). */
  bind?: Record<string, string>;
}

/** A request checked after the case's main one (the state it left behind). */
export interface FollowUp {
  given: CaseRequest;
  want: Expected;
  bind?: Record<string, string>;
}

export interface ConformanceCase {
  /** Unique, readable; the test's title. */
  name: string;
  /**
   * The case's paths are at the origin root, not below the server's `baseUrl` (the discovery
   * document's well-known URL, RFC 8615, exists only there). It runs only against a server whose
   * `baseUrl` has no path (mounted at the root), and is skipped, saying why, against one mounted
   * under a prefix.
   * @default false
   */
  atOriginRoot?: boolean;
  setup?: SetupRequest[];
  given: CaseRequest;
  want: Expected;
  /** Variables to bind from the main response, for `then`. */
  bind?: Record<string, string>;
  then?: FollowUp[];
  /**
   * Secret values the case stores: no response of the case (setup included) may contain one, in
   * its body or any header, as it is or encoded (base64, base64url, hex: `encodedForms`).
   */
  secrets?: readonly string[];
}
