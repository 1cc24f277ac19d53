/**
 * The one error type of the core, and the one table mapping its codes to HTTP statuses.
 * Adapters never shape errors themselves: they hand whatever was thrown to `errorResponse`.
 */

/** Where a rejected value was found in the request. */
export type IssueLocation = 'path' | 'query' | 'header' | 'body';

/** One reason a request was rejected, as sent to the client in `errors[]`. */
export interface ValidationIssue {
  location: IssueLocation;
  /** The field, as a dotted path (`additional_input.model`, `page_size`). */
  field: string;
  /** The rule that failed (`type`, `minimum`, `required`, `enum`, ...). */
  rule: string;
  message: string;
}

export const STATUS_BY_CODE = {
  bad_request: 400,
  json_too_deep: 400,
  /** The sign-in callback's `state` is unknown, already used or expired. */
  invalid_state: 400,
  /** The provider answered an error to a sign-in (`access_denied`), or refused to exchange its code. */
  authorization_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  too_many_requests: 429,
  step_failed: 500,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

/** The JSON body of every error response (the spec's `Error` schema). */
export interface ErrorBody {
  message: string;
  code: ErrorCode;
  errors?: ValidationIssue[];
}

export class AgentProtocolError extends Error {
  readonly code: ErrorCode;
  readonly issues: ValidationIssue[] | undefined;
  /** Extra response headers (`Allow`, `WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: ValidationIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentProtocolError';
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  toJSON(): ErrorBody {
    return this.issues
      ? { message: this.message, code: this.code, errors: this.issues }
      : { message: this.message, code: this.code };
  }

  static notFound(what: string, id: string): AgentProtocolError {
    return new AgentProtocolError('not_found', `${what} '${id}' was not found.`);
  }

  static invalid(issues: ValidationIssue[]): AgentProtocolError {
    const first = issues[0];
    const summary = first ? `${first.location} field '${first.field}' ${first.message}` : 'invalid';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    return new AgentProtocolError('validation_failed', `Invalid request: ${summary}${more}.`, {
      issues,
    });
  }
}

/**
 * Anything thrown that is not an AgentProtocolError is an internal failure: the client learns
 * that it happened, never what it was (no message, no stack, which could carry secrets).
 */
export function toAgentProtocolError(error: unknown): AgentProtocolError {
  if (error instanceof AgentProtocolError) return error;
  return new AgentProtocolError('internal', 'Internal server error.', { cause: error });
}
