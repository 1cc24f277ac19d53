import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import * as sql from '../src/queries.js';
import { useTestDatabases } from './database.js';

const databases = useTestDatabases();
let store: PostgresStore;
let client: pg.PoolClient;

const ROWS = 2000;

beforeAll(async () => {
  store = await PostgresStore.connect({ connectionString: databases.url });
  // Realistic volumes, written in bulk: one owner with 2,000 tasks interleaved with 2,000 tasks of
  // 2,000 other owners, and one task with 2,000 steps (all but 10 completed) and 2,000 artifacts.
  await store.pool.query(
    `INSERT INTO ap_tasks (task_id, owner, ord, body, created_at, step_count, artifact_count)
       SELECT 'task' || i, CASE WHEN i % 2 = 0 THEN 'big' ELSE 'owner' || i END,
              CASE WHEN i % 2 = 0 THEN i / 2 + 1 ELSE 1 END, '{"input":"a task"}', 'now',
              CASE WHEN i = 0 THEN ${ROWS} ELSE 0 END, CASE WHEN i = 0 THEN ${ROWS} ELSE 0 END
       FROM generate_series(0, ${2 * ROWS - 1}) AS i;
     INSERT INTO ap_owners (owner, task_count) SELECT owner, max(ord) FROM ap_tasks GROUP BY owner;
     INSERT INTO ap_steps (step_id, task_id, ord, status, body, created_at)
       SELECT 'step' || i, 'task0', i, CASE WHEN i > ${ROWS - 10} THEN 'created' ELSE 'completed' END,
              '{"input":"a step"}', 'now'
       FROM generate_series(1, ${ROWS}) AS i;
     INSERT INTO ap_artifacts (artifact_id, task_id, step_id, ord, agent_created, file_name,
                               relative_path, size, created_at)
       SELECT 'artifact' || i, 'task0', 'step' || i, i, true, 'f', NULL, 1, 'now'
       FROM generate_series(1, ${ROWS}) AS i;
     ANALYZE;`,
  );
  client = await store.pool.connect();
});

afterAll(async () => {
  client.release();
  await store.close();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

/** Every node of the plan the server runs for the store's own statement with these values. */
async function plan(query: string, values: unknown[]): Promise<PlanNode[]> {
  await client.query('DEALLOCATE ALL');
  await client.query(`PREPARE q AS ${query}`);
  const literals = values.map((v) =>
    Array.isArray(v) ? `ARRAY[${v.map((x) => `'${x}'`).join(',')}]` : `'${v}'`,
  );
  const execute = literals.length > 0 ? `EXECUTE q(${literals.join(', ')})` : 'EXECUTE q';
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${execute}`,
  );
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(rows[0]!['QUERY PLAN'][0].Plan);
  return nodes;
}

const INDEX_SCANS = ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'];

describe('PostgresStore query plans', () => {
  it.each([
    ['tasks', sql.PAGE_TASKS, ['big', 991, 1000], 'ap_tasks_owner_ord'],
    ['steps', sql.PAGE_STEPS, ['task0', 1501, 1510], 'ap_steps_task_ord'],
    ['artifacts', sql.PAGE_ARTIFACTS, ['task0', 991, 1000], 'ap_artifacts_task_ord'],
  ])(
    'serves a deep page of %s with a range seek on the ordinal index, reading only its rows',
    async (_, query, values, index) => {
      const nodes = await plan(query, values);
      expect(nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
      const seek = nodes.find((n) => n['Index Name'] === index);
      expect(INDEX_SCANS).toContain(seek?.['Node Type']);
      // The ordinal range is the index condition: the index hands over the page's rows only, so
      // anything above it (a Sort, if the planner picks a bitmap scan) sees no more than those.
      expect(seek?.['Index Cond']).toMatch(/ord >= .* AND .*ord <= /);
      expect(seek?.['Actual Rows']).toBe(10);
    },
  );

  it.each([
    ['steps', sql.PAGE_STEPS, ['task0', 1501, 1510], 'ap_steps_task_ord'],
    ['artifacts', sql.PAGE_ARTIFACTS, ['task0', 991, 1000], 'ap_artifacts_task_ord'],
  ])('reads a page of %s in index order, without a sort', async (_, query, values, index) => {
    const nodes = await plan(query, values);
    expect(nodes.map((n) => n['Node Type'])).toEqual(['Index Scan']);
    expect(nodes[0]?.['Index Name']).toBe(index);
  });

  it.each([
    ['tasks', sql.COUNT_TASKS, ['big'], 'ap_owners_pkey'],
    ['steps', sql.COUNT_STEPS, ['task0'], 'ap_tasks_pkey'],
    ['artifacts', sql.COUNT_ARTIFACTS, ['task0'], 'ap_tasks_pkey'],
  ])('reads the total of %s from its counter, one row by key', async (_, query, values, index) => {
    const nodes = await plan(query, values);
    expect(nodes).toMatchObject([{ 'Node Type': 'Index Scan', 'Index Name': index }]);
  });

  it('reads the artifacts of a page of steps through the step index, not a scan', async () => {
    const nodes = await plan(sql.ARTIFACTS_OF_STEPS, [['step5', 'step6', 'step7']]);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((n) => n['Index Name'])).toContain('ap_artifacts_step');
  });

  it('finds unfinished steps through the partial index, already in order', async () => {
    const nodes = await plan(sql.UNFINISHED_STEPS, []);
    expect(nodes).toMatchObject([
      { 'Node Type': 'Index Scan', 'Index Name': 'ap_steps_unfinished', 'Actual Rows': 10 },
    ]);
  });
});
