import { AgentProtocolError } from '@agent-protocol/core';

/** What a client is told while the database cannot be reached: a 503 it may retry. */
export const UNAVAILABLE_MESSAGE = 'The database is not answering; retry shortly.';

/** Socket errors meaning the server cannot be reached or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or refusing work for now: admin shutdown, crash
 * shutdown, cannot connect now, too many connections, and a statement cancelled by
 * `statement_timeout` (57014). Class 08 (connection exception) is matched by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/**
 * Messages node-postgres and pg-pool give to their own failures, which carry no code: the pool
 * waited too long for a connection, a connection timed out or was closed under a query, a
 * client-side query timeout fired, or the pool was already ended (a request racing shutdown).
 */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /^Connection terminated/i,
  /Query read timeout/i,
  /not queryable/i,
  /Cannot use a pool after calling end/i,
  /timeout expired/i,
];

/** Whether an error means the database is unreachable (retry later), not that a query is wrong. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  // Node reports a refused dual-stack connect (::1 and 127.0.0.1) as an AggregateError.
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Where the password of a URL's user info is (`postgres://user:secret@host`), if it has one. */
function userInfoPassword(connectionString: string): { start: number; end: number } | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(connectionString);
  if (!scheme) return undefined;
  const from = scheme[0].length;
  const queryAt = connectionString.indexOf('?', from);
  const head = connectionString.slice(from, queryAt < 0 ? undefined : queryAt);
  // The last `@` before the query ends the user info: an unencoded password may hold `@` or `/`.
  const at = head.lastIndexOf('@');
  const colon = at < 0 ? -1 : head.indexOf(':');
  return colon >= 0 && colon < at ? { start: from + colon + 1, end: from + at } : undefined;
}

const QUERY_PASSWORD = /([?&]password=)([^&#]*)/gi;
const KEYWORD_PASSWORD = /(^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)/gi;

/**
 * A connection string with its password replaced by `***`, for log lines: both the URL form
 * (`postgres://user:secret@host/db`, `?password=secret`) and the keyword form
 * (`host=h password=secret`).
 */
export function redactConnectionString(connectionString: string): string {
  let text = connectionString;
  const span = userInfoPassword(text);
  if (span) text = text.slice(0, span.start) + '***' + text.slice(span.end);
  return text.replace(QUERY_PASSWORD, '$1***').replace(KEYWORD_PASSWORD, '$1$2***');
}

/**
 * Every spelling of the password a message could carry (as written, and URL-decoded), found the
 * same way `redactConnectionString` finds it, so even a string no parser accepts is covered.
 */
export function passwordsOf(connectionString: string): string[] {
  const found: string[] = [];
  const span = userInfoPassword(connectionString);
  if (span) found.push(connectionString.slice(span.start, span.end));
  for (const match of connectionString.matchAll(QUERY_PASSWORD)) found.push(match[2] ?? '');
  for (const match of connectionString.matchAll(KEYWORD_PASSWORD)) {
    found.push(match[3] ?? '', (match[3] ?? '').replace(/^'|'$/g, ''));
  }
  const spellings = new Set<string>();
  for (const value of found) {
    spellings.add(value);
    try {
      spellings.add(decodeURIComponent(value));
    } catch {
      // A malformed escape: the raw spelling is already covered.
    }
  }
  return [...spellings].filter((p) => p.length > 0);
}

/**
 * Removes the passwords from an error's message, stack and other text fields (Node's URL error
 * keeps the whole string it could not parse in `input`), in place; returns the same error.
 */
export function scrubError<E>(error: E, passwords: string[]): E {
  if (!(error instanceof Error) || passwords.length === 0) return error;
  const scrub = (text: string) => passwords.reduce((t, p) => t.split(p).join('***'), text);
  error.message = scrub(error.message);
  if (error.stack) error.stack = scrub(error.stack);
  const fields = error as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') fields[key] = scrub(value);
  }
  return error;
}

/** The store's 503: the client may retry in a few seconds. */
export function unavailableError(cause: unknown): AgentProtocolError {
  return new AgentProtocolError('unavailable', UNAVAILABLE_MESSAGE, {
    headers: { 'retry-after': '5' },
    cause,
  });
}

/**
 * What a failed database call rejects with: a 503 when the database is unreachable; otherwise
 * the error itself (the core answers a 500 without its details). Either way, no password.
 */
export function databaseError(error: unknown, passwords: string[]): unknown {
  if (error instanceof AgentProtocolError) return error;
  scrubError(error, passwords);
  return isUnavailable(error) ? unavailableError(error) : error;
}
