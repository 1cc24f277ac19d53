/** Variables bound by a case's requests (`task_id`), substituted into later ones as `{task_id}`. */
export type Vars = Record<string, string>;

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

function substituteString(text: string, vars: Vars): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`Case uses {${name}} before anything bound it`);
    return value;
  });
}

/** Replaces `{name}` in every string of a data value; RegExps and bytes are left alone. */
export function substitute<T>(value: T, vars: Vars): T {
  if (typeof value === 'string') return substituteString(value, vars) as T;
  if (Array.isArray(value)) return value.map((item) => substitute(item, vars)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)])) as T;
  }
  return value;
}

/** Reads `a.0.b` out of a JSON value. */
export function pick(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[key]
          : undefined,
      value,
    );
}

/** Binds each `name → path` of `bind` from a JSON response; a missing value is an error. */
export function bindVars(
  json: unknown,
  bind: Record<string, string> | undefined,
  vars: Vars,
): void {
  for (const [name, path] of Object.entries(bind ?? {})) {
    const value = pick(json, path);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(
        `Could not bind {${name}}: ${path} is ${JSON.stringify(value)} in the response`,
      );
    }
    vars[name] = String(value);
  }
}
