import type { Matcher } from '../case.js';

/**
 * The protocol-level reading of a case's JSON matcher. The cases are written against this
 * project's servers, which choose things the protocol leaves open; an independent, correct
 * implementation chooses differently and must still pass. So, by URL:
 * - an error's `message` is any non-empty string (its words are the server's);
 * - an error's `code` is not checked: the spec makes it optional ("new codes may be added"); a
 *   step's `error.code` (`step_failed`, `interrupted`), which the spec requires, still is;
 * - a 422's `errors` list is this project's shape of "a body naming the offending field"
 *   (PROTOCOL.md section 1): the body must name the field, anywhere, in any words;
 * - `$keys` (exactly these keys) becomes `$has` (at least these): unknown extra fields are
 *   allowed, as in any JSON API; that no secret value is among them is checked separately on
 *   every response;
 * - "no value" (`$absent`) also accepts `null` and `[]`, and a `null` of an optional field also
 *   accepts the field left out: the spec's optional, nullable fields say "nothing" either way;
 * - `outcome: "succeeded"` also accepts no `outcome` (absent reads as succeeded, section 8), and
 *   `additional_input: {}` also accepts none.
 */

/** Optional, nullable fields of the spec's Task, Step and Artifact. */
const NULLABLE = new Set(['input', 'output', 'relative_path', 'additional_output', 'name']);

const NON_EMPTY_STRING = { $and: [{ $type: 'string' }, { $not: '' }] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof RegExp);

const isOperator = (value: Record<string, unknown>) => {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
};

/** The field a `errors: { $contains: { field } }` matcher names, as words would say it. */
function namedField(errors: unknown): string | undefined {
  if (!isObject(errors) || !isObject(errors.$contains)) return undefined;
  const field = errors.$contains.field;
  if (typeof field !== 'string') return undefined;
  // `function_results.0.refused` is named as "refused"; the whole body has no name to look for.
  const segment = field
    .split('.')
    .filter((s) => !/^\d+$/.test(s))
    .pop();
  return segment === undefined || segment === 'body' ? undefined : segment;
}

function operator(op: Record<string, unknown>): Matcher {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(op)) {
    if (key === '$keys') out.$has = value;
    else if (key === '$absent') out.$none = value;
    else if (key === '$and' || key === '$anyOf') out[key] = (value as Matcher[]).map(protocol);
    else if (key === '$contains' || key === '$not') out[key] = protocol(value);
    else out[key] = value;
  }
  return out;
}

function field(key: string, value: Matcher): Matcher {
  if (value === null && NULLABLE.has(key)) return { $anyOf: [null, { $absent: true }] };
  if (key === 'outcome' && value === 'succeeded')
    return { $anyOf: ['succeeded', { $absent: true }] };
  if (key === 'additional_input' && isObject(value) && Object.keys(value).length === 0)
    return { $anyOf: [{}, { $none: true }] };
  return protocol(value);
}

/** The protocol-level reading of any matcher (see the file's comment). */
export function protocol(matcher: Matcher): Matcher {
  if (Array.isArray(matcher)) return matcher.map(protocol);
  if (!isObject(matcher)) return matcher;
  if (isOperator(matcher)) return operator(matcher);
  return Object.fromEntries(Object.entries(matcher).map(([k, v]) => [k, field(k, v)]));
}

/** A matcher of what a message says (rather than of what it must not say). */
const isWording = (message: unknown) =>
  typeof message === 'string' ||
  message instanceof RegExp ||
  (isObject(message) && ('$includes' in message || '$startsWith' in message));

/** An error body's own fields, read at the protocol level. */
function errorBody(matcher: Matcher): Matcher {
  if (!isObject(matcher)) return protocol(matcher);
  if (isOperator(matcher)) {
    if (Array.isArray(matcher.$and)) return { ...matcher, $and: matcher.$and.map(errorBody) };
    return protocol(matcher);
  }
  const { message, code: _code, errors, ...rest } = matcher;
  const named = namedField(errors);
  const body: Record<string, unknown> = protocol(rest) as Record<string, unknown>;
  // The server's words are not judged; a matcher guarding against a leak ($not) still is.
  if (message !== undefined) body.message = isWording(message) ? NON_EMPTY_STRING : message;
  return named === undefined ? body : { $and: [body, { $mentions: named }] };
}

/** The protocol-level reading of a response's JSON matcher, given the status expected. */
export function protocolJson(json: Matcher, status: number): Matcher {
  return status >= 400 ? errorBody(json) : protocol(json);
}
