import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

/**
 * Every option of every command, parsed in one pass so that options may come before or after
 * the command's words (`agent-protocol --url X tasks list` and `agent-protocol tasks list --url X`).
 * Each command then says which of them it takes (`Command.options`); any other is a usage error.
 */
const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  'api-key': { type: 'string' },
  'api-key-header': { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'max-steps': { type: 'string' },
  interactive: { type: 'boolean' },
  out: { type: 'string' },
  task: { type: 'string' },
  functions: { type: 'string' },
  'token-b': { type: 'string' },
  only: { type: 'string' },
  junit: { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The command line, parsed: every option given, and the words (command, subcommand, arguments). */
export interface ParsedArgs {
  values: Partial<Record<OptionName, string | boolean>>;
  words: string[];
}

export function parseCommandLine(argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], words: positionals };
  } catch (error) {
    // parseArgs says what was wrong ("Unknown option '--foo'"), which is what the user needs.
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value, or undefined. */
export const stringOption = (args: ParsedArgs, name: OptionName): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
};

/** Refuses options the command does not take, naming them. */
export function onlyOptions(
  args: ParsedArgs,
  allowed: readonly OptionName[],
  command: string,
): void {
  const extra = (Object.keys(args.values) as OptionName[]).filter(
    (name) => name !== 'help' && !allowed.includes(name),
  );
  if (extra.length > 0) {
    throw new UsageError(
      `${command} does not take ${extra.map((name) => `--${name}`).join(', ')}.`,
    );
  }
}

/** A whole number of at least `min`, from an option's text. */
export function positiveInteger(text: string, option: string, min = 1): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${option} must be a whole number of at least ${min}, not '${text}'.`);
  }
  return value;
}
