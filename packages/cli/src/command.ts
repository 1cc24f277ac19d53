import type { OptionName, ParsedArgs } from './options.js';

/** One command of the command line (`run`, `tasks list`, ...). */
export interface Command {
  /** The words that name it: `run`, `tasks list`. */
  name: string;
  /** How it is called, short (`steps list TASK_ID`), for `agent-protocol --help`. */
  synopsis: string;
  /** What it does, in a few words, for `agent-protocol --help`. */
  summary: string;
  /** The whole of `agent-protocol <name> --help`. */
  help: string;
  /** The options it takes (`--help` always). */
  options: readonly OptionName[];
  /** Runs it with the words after its name; resolves the exit code. */
  run(args: ParsedArgs, rest: string[]): Promise<number>;
}
