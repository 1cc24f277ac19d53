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
