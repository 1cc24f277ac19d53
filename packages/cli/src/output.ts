/** Output helpers: JSON for scripts, aligned columns for people. */

/** One JSON document on stdout, for `--json`. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Text on one line, cut to `max` characters (a step's output in a table). */
export function oneLine(text: string | null | undefined, max = 60): string {
  if (text === null || text === undefined) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Rows under a header, each column as wide as its widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Everything an async iterable yields (a list that walks every page). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * A listing as `--json` asks: the items as a JSON array on stdout, or a table of `row`s under
 * `header`, or `No <noun>.` on stderr when there is none (stdout stays empty for scripts).
 */
export function printList<T>(
  json: boolean,
  items: readonly T[],
  noun: string,
  header: readonly string[],
  row: (item: T) => string[],
): void {
  if (json) printJson(items);
  else if (items.length === 0) process.stderr.write(`No ${noun}.\n`);
  else process.stdout.write(`${table(header, items.map(row))}\n`);
}
