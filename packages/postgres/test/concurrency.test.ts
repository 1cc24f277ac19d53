import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { useTestDatabases } from './database.js';
import { artifact, freshSchema, step, task } from './records.js';

const databases = useTestDatabases();
const open: PostgresStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Three processes sharing one schema: three stores, three pools. */
async function replicas(count = 3): Promise<PostgresStore[]> {
  const schema = freshSchema();
  const stores = await Promise.all(
    Array.from({ length: count }, () =>
      PostgresStore.connect({ connectionString: databases.url, schema, poolSize: 5 }),
    ),
  );
  open.push(...stores);
  return stores;
}

async function ordinals(store: PostgresStore, sql: string, key: string): Promise<number[]> {
  const { rows } = await store.pool.query<{ ord: string }>(sql, [key]);
  return rows.map((r) => Number(r.ord));
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('PostgresStore ordinals under concurrent writers in several processes', () => {
  it('numbers 50 steps written at once through 3 pools 1..50, a refused one leaving no gap', async () => {
    const stores = await replicas();
    await stores[0]!.insertTask(task('t'));
    const writes = Array.from({ length: 50 }, (_, i) =>
      stores[i % 3]!.insertStep(step('t', `s${i}`, 'completed'), [artifact(`a${i}`, 't', `s${i}`)]),
    );
    // Refused (an id already used) while the others write: rolled back with its ordinals.
    const duplicates = [
      stores[1]!.insertStep(step('t', 's0')),
      stores[2]!.insertStep(step('t', 's7')),
    ];
    const outcomes = await Promise.allSettled([...writes, ...duplicates]);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected).toHaveLength(2);

    const store = stores[2]!;
    expect(
      await ordinals(store, 'SELECT ord FROM ap_steps WHERE task_id = $1 ORDER BY ord', 't'),
    ).toEqual(oneTo(50));
    expect(
      await ordinals(store, 'SELECT ord FROM ap_artifacts WHERE task_id = $1 ORDER BY ord', 't'),
    ).toEqual(oneTo(50));
    const steps = await store.listSteps('t', { page: 5, size: 10 });
    expect(steps.total).toBe(50);
    expect(steps.items).toHaveLength(10);
    expect((await store.listArtifacts('t', { page: 1, size: 100 })).total).toBe(50);
    // Every step's artifacts carry the step's id, however the writes interleaved.
    const byStep = await store.artifactsOfSteps(oneTo(50).map((i) => `s${i - 1}`));
    expect([...byStep.values()].every((list) => list.length === 1)).toBe(true);
  });

  it('numbers the tasks of one owner created at once through 3 pools without gaps', async () => {
    const stores = await replicas();
    const writes = Array.from({ length: 30 }, (_, i) =>
      stores[i % 3]!.insertTask(task(`t${i}`, i % 2 ? 'alice' : 'bob'), [
        artifact(`u${i}`, `t${i}`),
      ]),
    );
    await Promise.all(writes);
    await expect(stores[0]!.insertTask(task('t3', 'alice'))).rejects.toThrow();
    await stores[0]!.insertTask(task('late', 'alice'));
    for (const [owner, count] of [
      ['alice', 16],
      ['bob', 15],
    ] as const) {
      expect(
        await ordinals(stores[1]!, 'SELECT ord FROM ap_tasks WHERE owner = $1 ORDER BY ord', owner),
      ).toEqual(oneTo(count));
      expect((await stores[2]!.listTasks(owner, { page: 1, size: 1 })).total).toBe(count);
    }
  });
});
