import type { Matcher } from './case.js';

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

function typeOf(value: unknown): JsonType | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'boolean' || t === 'object') return t;
  if (t === 'number') return 'number';
  return 'undefined';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RegExp)
  );
}

const isEmptyArray = (value: unknown) => Array.isArray(value) && value.length === 0;

/** An object whose keys all start with `$` is an operator, not an object to match. */
function operatorOf(want: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(want)) return undefined;
  const keys = Object.keys(want);
  return keys.length > 0 && keys.every((k) => k.startsWith('$')) ? want : undefined;
}

const show = (value: unknown) =>
  value instanceof RegExp
    ? String(value)
    : value === undefined
      ? 'undefined'
      : JSON.stringify(value);

function matchOperator(actual: unknown, op: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  if ('$type' in op) {
    const want = op.$type as JsonType;
    const ok =
      want === 'integer'
        ? Number.isInteger(actual)
        : want === 'number'
          ? typeof actual === 'number'
          : typeOf(actual) === want;
    if (!ok) out.push(`${at}: expected a ${want}, got ${show(actual)}`);
  }
  if ('$absent' in op && actual !== undefined)
    out.push(`${at}: expected no value, got ${show(actual)}`);
  if ('$length' in op) {
    const length = typeof actual === 'string' || Array.isArray(actual) ? actual.length : undefined;
    if (length !== op.$length)
      out.push(`${at}: expected length ${show(op.$length)}, got ${show(length)} (${show(actual)})`);
  }
  if ('$contains' in op) {
    if (
      !Array.isArray(actual) ||
      !actual.some((item) => match(item, op.$contains, at).length === 0)
    ) {
      out.push(`${at}: expected an array containing ${show(op.$contains)}, got ${show(actual)}`);
    }
  }
  if ('$not' in op && match(actual, op.$not, at).length === 0) {
    out.push(`${at}: expected anything but ${show(op.$not)}, got ${show(actual)}`);
  }
  if (
    '$startsWith' in op &&
    !(typeof actual === 'string' && actual.startsWith(op.$startsWith as string))
  ) {
    out.push(`${at}: expected a string starting with ${show(op.$startsWith)}, got ${show(actual)}`);
  }
  if (
    '$includes' in op &&
    !(typeof actual === 'string' && actual.includes(op.$includes as string))
  ) {
    out.push(`${at}: expected a string including ${show(op.$includes)}, got ${show(actual)}`);
  }
  if ('$keys' in op) {
    const want = [...(op.$keys as string[])].sort();
    const got = isPlainObject(actual) ? Object.keys(actual).sort() : undefined;
    if (!got || got.join('\n') !== want.join('\n'))
      out.push(`${at}: expected an object with exactly the keys ${show(want)}, got ${show(got)}`);
  }
  if ('$and' in op) {
    for (const inner of op.$and as unknown[]) out.push(...match(actual, inner, at));
  }
  if ('$has' in op) {
    const missing = isPlainObject(actual)
      ? (op.$has as string[]).filter((key) => actual[key] === undefined)
      : undefined;
    if (!missing || missing.length > 0)
      out.push(`${at}: expected an object with the keys ${show(op.$has)}, got ${show(actual)}`);
  }
  if ('$anyOf' in op) {
    const options = op.$anyOf as unknown[];
    if (!options.some((inner) => match(actual, inner, at).length === 0))
      out.push(`${at}: expected one of ${options.map(show).join(' or ')}, got ${show(actual)}`);
  }
  // A server may say "nothing" by leaving a key out, by null or by an empty list: the protocol
  // judges those alike where the fixture's own servers leave the key out.
  if ('$none' in op && !(actual === undefined || actual === null || isEmptyArray(actual)))
    out.push(`${at}: expected nothing (absent, null or []), got ${show(actual)}`);
  if ('$mentions' in op) {
    const text = JSON.stringify(actual) ?? '';
    const wanted = String(op.$mentions);
    if (!text.toLowerCase().includes(wanted.toLowerCase()))
      out.push(`${at}: expected a value naming ${show(wanted)}, got ${show(actual)}`);
  }
  return out;
}

/**
 * Matches a JSON value against a matcher (see `Matcher`). Returns one line per mismatch, each
 * naming where it is (`$.steps.0.status`); an empty list means it matches.
 */
export function match(actual: unknown, want: Matcher, at = '$'): string[] {
  if (want instanceof RegExp) {
    return typeof actual === 'string' && want.test(actual)
      ? []
      : [`${at}: expected to match ${want}, got ${show(actual)}`];
  }
  const op = operatorOf(want);
  if (op) return matchOperator(actual, op, at);
  if (Array.isArray(want)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${show(actual)}`];
    if (actual.length !== want.length) {
      return [`${at}: expected ${want.length} item(s), got ${actual.length}: ${show(actual)}`];
    }
    return want.flatMap((item, i) => match(actual[i], item, `${at}.${i}`));
  }
  if (isPlainObject(want)) {
    if (!isPlainObject(actual)) return [`${at}: expected an object, got ${show(actual)}`];
    return Object.entries(want).flatMap(([key, item]) => match(actual[key], item, `${at}.${key}`));
  }
  return Object.is(actual, want) ? [] : [`${at}: expected ${show(want)}, got ${show(actual)}`];
}
