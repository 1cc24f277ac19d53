import type { ValidationIssue } from './types.js';

/** What an {@link AgentProtocolClientError} is made of. */
export interface ClientErrorDetails {
  status: number;
  code?: string | undefined;
  issues?: ValidationIssue[];
  retryAfter?: number | undefined;
  cause?: unknown;
}

/**
 * Every failure of a client call: the server's answer (a 4xx or 5xx, its JSON error body read),
 * or no answer at all (`status` 0: the network failed). A call stopped by its `AbortSignal`
 * rejects with the signal's reason instead, as `fetch` does.
 */
export class AgentProtocolClientError extends Error {
  /** The HTTP status; 0 when no response arrived (a network error). */
  readonly status: number;
  /** The server's machine-readable `code` (`not_found`, `validation_failed`, …), when it sent one. */
  readonly code: string | undefined;
  /** The `errors[]` of a 422 (which field broke which rule), else empty. */
  readonly issues: ValidationIssue[];
  /** Seconds to wait before trying again, from a `Retry-After` header (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(message: string, details: ClientErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AgentProtocolClientError';
    this.status = details.status;
    this.code = details.code;
    this.issues = details.issues ?? [];
    this.retryAfter = details.retryAfter;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIssue = (value: unknown): value is ValidationIssue =>
  isRecord(value) &&
  typeof value.location === 'string' &&
  typeof value.field === 'string' &&
  typeof value.rule === 'string' &&
  typeof value.message === 'string';

/** `Retry-After` is seconds or an HTTP date (RFC 9110); either way, seconds from now. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * The error for a response that was not a success. `body` is what openapi-fetch read: the parsed
 * JSON error (`{message, code, errors}`), or text when the server answered something else (an
 * HTML page from a server that is not this toolkit's), which is never copied into the message.
 */
export function errorFromResponse(
  response: Response,
  body: unknown,
  request: string,
): AgentProtocolClientError {
  const json = isRecord(body) ? body : {};
  // Upstream's SDK answers `{"error": "..."}`; this toolkit's servers `{"message": "..."}`.
  const said =
    typeof json.message === 'string'
      ? json.message
      : typeof json.error === 'string'
        ? json.error
        : undefined;
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new AgentProtocolClientError(said ?? `${request} answered ${status}.`, {
    status: response.status,
    code: typeof json.code === 'string' ? json.code : undefined,
    issues: Array.isArray(json.errors) ? json.errors.filter(isIssue) : [],
    retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
  });
}

/** Whether `error` is the rejection of a request whose `AbortSignal` fired. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return (
    (signal?.aborted === true && error === signal.reason) ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
  );
}

/** A request that got no response: status 0, the network's error as the cause. */
export function networkError(error: unknown, request: string): AgentProtocolClientError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AgentProtocolClientError(`${request} failed: ${reason}`, { status: 0, cause: error });
}
