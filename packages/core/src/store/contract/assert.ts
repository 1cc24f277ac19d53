import { deepStrictEqual, notStrictEqual, rejects, strictEqual } from 'node:assert/strict';

/** Drops the object fields that are undefined, at any depth: a store may leave them out. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, defined(v)]));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  );
}

/** Equal, but for fields one side has as undefined and the other leaves out. */
export function same(actual: unknown, expected: unknown, message?: string): void {
  deepStrictEqual(defined(actual), defined(expected), message);
}

export { deepStrictEqual as exactly, notStrictEqual, rejects, strictEqual as is };
