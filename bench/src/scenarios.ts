import type { Scenario } from './load.js';

const TASKS = '/ap/v1/agent/tasks';
export const TASK_BODY = JSON.stringify({
  input: "Write 'Washington' to the file 'output.txt'.",
  additional_input: { model: 'bench' },
});
export const STEP_BODY = JSON.stringify({ input: 'y' });

/** Create, get and step: the CPU comparison. Get and step cycle through a pool of tasks. */
export function crudScenarios(pool: string[]): Scenario[] {
  return [
    { name: 'create task', method: 'POST', paths: [TASKS], body: TASK_BODY },
    { name: 'get task', method: 'GET', paths: pool.map((id) => `${TASKS}/${id}`) },
    {
      name: 'execute step',
      method: 'POST',
      paths: pool.map((id) => `${TASKS}/${id}/steps`),
      body: STEP_BODY,
    },
  ];
}

/** The first and the last page of a seeded task list. */
export function listScenarios(tasks: number, pageSize: number): Scenario[] {
  const last = Math.ceil(tasks / pageSize);
  return [
    {
      name: 'list first page',
      method: 'GET',
      paths: [`${TASKS}?current_page=1&page_size=${pageSize}`],
    },
    {
      name: 'list last page',
      method: 'GET',
      paths: [`${TASKS}?current_page=${last}&page_size=${pageSize}`],
    },
  ];
}

async function call(url: string, method: string, body?: string): Promise<unknown> {
  const res = await fetch(url, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
 * Fairness check before measuring: both servers must answer every scenario with responses of
 * the same structure (same fields, same JSON types), so they do the same serialisation work.
 */
export async function assertSameShapes(
  adapterUrl: string,
  bareUrl: string,
  pageSize: number,
): Promise<void> {
  const run = async (base: string) => {
    const task = (await call(`${base}${TASKS}`, 'POST', TASK_BODY)) as { task_id: string };
    return {
      task,
      get: await call(`${base}${TASKS}/${task.task_id}`, 'GET'),
      step: await call(`${base}${TASKS}/${task.task_id}/steps`, 'POST', STEP_BODY),
      list: await call(`${base}${TASKS}?current_page=1&page_size=${pageSize}`, 'GET'),
    };
  };
  const [a, b] = await Promise.all([run(adapterUrl), run(bareUrl)]);
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    const sa = JSON.stringify(shape(a[key]));
    const sb = JSON.stringify(shape(b[key]));
    if (sa !== sb)
      throw new Error(`responses differ in structure for ${key}:\n adapter ${sa}\n bare    ${sb}`);
  }
}
