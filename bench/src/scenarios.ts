import type { Scenario } from './load.js';

const TASKS = '/ap/v1/agent/tasks';
export const TASK_BODY = JSON.stringify({
  input: "Write 'Washington' to the file 'output.txt'.",
  additional_input: { model: 'bench' },
});
export const STEP_BODY = JSON.stringify({ input: 'y' });

/** The operations a comparison can measure, in the order the tables list them. */
export const OPERATIONS = [
  'create task',
  'get task',
  'execute step',
  'list first page',
  'list last page',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Whether an operation reads the big seeded list (and so runs on the list servers). */
export const isListOperation = (op: Operation) => op.startsWith('list ');

export interface ScenarioContext {
  /** Task ids to cycle through (get and step). */
  pool: string[];
  /** Tasks seeded into the list servers. */
  tasks: number;
  pageSize: number;
  headers?: Record<string, string>;
}

/**
 * One operation as autocannon fires it. Get and step cycle through a pool of tasks; the list
 * operations read the first and the last page of the seeded list.
 */
export function scenarioFor(op: Operation, c: ScenarioContext): Scenario {
  const base = { name: op, ...(c.headers ? { headers: c.headers } : {}) };
  switch (op) {
    case 'create task':
      return { ...base, method: 'POST', paths: [TASKS], body: TASK_BODY };
    case 'get task':
      return { ...base, method: 'GET', paths: c.pool.map((id) => `${TASKS}/${id}`) };
    case 'execute step':
      return {
        ...base,
        method: 'POST',
        paths: c.pool.map((id) => `${TASKS}/${id}/steps`),
        body: STEP_BODY,
      };
    case 'list first page':
    case 'list last page': {
      const page = op === 'list first page' ? 1 : Math.ceil(c.tasks / c.pageSize);
      return {
        ...base,
        method: 'GET',
        paths: [`${TASKS}?current_page=${page}&page_size=${c.pageSize}`],
      };
    }
  }
}

async function call(
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const res = await fetch(url, {
    method,
    body,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Creates `count` tasks over HTTP and returns their ids. */
export async function createTasks(baseUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      ((await call(`${baseUrl}${TASKS}`, 'POST', TASK_BODY)) as { task_id: string }).task_id,
    );
  }
  return ids;
}

/** A value's structure: keys and JSON types, not values. */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  }
  return typeof value;
}

/**
 * Where `wider`'s structure lacks something of `narrower`'s (a field, or a field of another JSON
 * type), as paths; `extra` collects the fields only `wider` has.
 */
function lacking(wider: unknown, narrower: unknown, path: string, extra: string[]): string[] {
  if (Array.isArray(narrower) && Array.isArray(wider)) {
    if (narrower.length === 0) return [];
    if (wider.length === 0) return [`${path}[]`];
    return lacking(wider[0], narrower[0], `${path}[]`, extra);
  }
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(narrower) && isObject(wider)) {
    const [w, n] = [wider as Record<string, unknown>, narrower as Record<string, unknown>];
    for (const k of Object.keys(w)) if (!(k in n)) extra.push(`${path}.${k}`);
    return Object.keys(n).flatMap((k) =>
      k in w ? lacking(w[k], n[k], `${path}.${k}`, extra) : [`${path}.${k}`],
    );
  }
  return JSON.stringify(wider) === JSON.stringify(narrower) ? [] : [path];
}

/**
 * Fairness check before measuring: the servers must answer every operation with a 2xx of the
 * same structure (same fields, same JSON types), so they do the same serialisation work. With
 * `superset` (two servers: subject, then reference), the subject must answer every field the
 * reference answers, with the same JSON type, and may answer more: the fields only the subject
 * has are returned (`step.name`, ...), for the log.
 */
export async function assertShapes(
  servers: { name: string; url: string }[],
  pageSize: number,
  headers: Record<string, string> = {},
  mode: 'same' | 'superset' = 'same',
): Promise<string[]> {
  const run = async (base: string) => {
    const task = (await call(`${base}${TASKS}`, 'POST', TASK_BODY, headers)) as {
      task_id: string;
    };
    return {
      task,
      get: await call(`${base}${TASKS}/${task.task_id}`, 'GET', undefined, headers),
      step: await call(`${base}${TASKS}/${task.task_id}/steps`, 'POST', STEP_BODY, headers),
      list: await call(
        `${base}${TASKS}?current_page=1&page_size=${pageSize}`,
        'GET',
        undefined,
        headers,
      ),
    };
  };
  const answers = await Promise.all(servers.map((s) => run(s.url)));
  const [first, ...rest] = answers;
  const extra: string[] = [];
  for (const [i, other] of rest.entries()) {
    for (const key of Object.keys(first!) as (keyof typeof first)[]) {
      const sa = shape(first![key]);
      const sb = shape(other[key]);
      const differs =
        mode === 'superset'
          ? lacking(sa, sb, key, extra).length > 0
          : JSON.stringify(sa) !== JSON.stringify(sb);
      if (differs) {
        throw new Error(
          `responses differ in structure for ${key}${mode === 'superset' ? ` (${servers[0]!.name} lacks ${lacking(sa, sb, key, []).join(', ')})` : ''}:\n` +
            ` ${servers[0]!.name} ${JSON.stringify(sa)}\n ${servers[i + 1]!.name} ${JSON.stringify(sb)}`,
        );
      }
    }
  }
  return extra;
}
