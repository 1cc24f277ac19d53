import type { Redactor } from './secrets/redactor.js';

/** Where the core writes its log lines. Credentials and secret values are never passed to it. */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const silentLogger: Logger = { info() {}, error() {} };

/** One line per event on stdout/stderr, for example apps and quick starts. */
export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, error) =>
    console.error(message, error instanceof Error ? (error.stack ?? error.message) : (error ?? '')),
};

/**
 * The one logger everything goes through, handlers' `ctx.log` included: every line and error is
 * passed through the redactor, so a secret value never reaches the log, even by mistake.
 */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return {
    info: (message) => inner.info(redactor.redact(message)),
    error: (message, error) => {
      const detail =
        error instanceof Error
          ? (error.stack ?? `${error.name}: ${error.message}`)
          : error === undefined
            ? undefined
            : String(error);
      inner.error(
        redactor.redact(message),
        detail === undefined ? undefined : redactor.redact(detail),
      );
    },
  };
}
