import { UsageError } from './exit-codes.js';

/**
 * A command's positional arguments, checked: each `required` name must be given, the `optional`
 * ones may follow, and anything more is a usage error naming the first extra one.
 */
export function positionals(
  rest: readonly string[],
  command: string,
  required: readonly string[],
  optional: readonly string[] = [],
): (string | undefined)[] {
  const missing = required[rest.length];
  if (missing !== undefined) throw new UsageError(`${command} needs a ${missing}.`);
  const max = required.length + optional.length;
  if (rest.length > max) {
    const shape = [...required, ...optional.map((name) => `[${name}]`)].join(' ');
    throw new UsageError(
      max === 0
        ? `${command} takes no arguments, not '${rest[0]}'.`
        : `${command} takes ${shape}, not '${rest[max]}' too.`,
    );
  }
  return [...rest];
}
