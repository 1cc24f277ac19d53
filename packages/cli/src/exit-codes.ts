/**
 * The exit codes of every command, documented in `agent-protocol --help` and the README. Scripts
 * and benchmarks branch on them, so each means one thing across commands.
 */
export const EXIT = {
  /** The command did what it was asked: the task ended, the list was printed, every case passed. */
  ok: 0,
  /** Something failed: the server refused or could not be reached, a conformance case failed. */
  failed: 1,
  /** The command line itself is wrong: an unknown command or option, a missing argument. */
  usage: 2,
  /** `run` sent `--max-steps` steps and the task had not ended (it stays open to resume). */
  maxSteps: 3,
  /** Interrupted (Ctrl-C): the running step was cancelled. 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure already explained to the user (nothing more to print), with the exit code to end with. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
