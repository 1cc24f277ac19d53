import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, PostgresStore } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations.js';
import { useTestDatabases } from './database.js';
import { step, task } from './records.js';

const databases = useTestDatabases();
const closing: { close?: () => Promise<void>; end?: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => (c.close ? c.close() : c.end?.())));
});

const versions = async (pool: pg.Pool, schema: string) =>
  (
    await pool.query<{ version: number }>(
      `SELECT version FROM "${schema}".ap_schema_migrations ORDER BY version`,
    )
  ).rows.map((r) => r.version);

describe('PostgresStore migrations', () => {
  it('migrates a fresh database once when 5 processes connect at the same instant', async () => {
    const url = await databases.create();
    const stores = await Promise.all(
      Array.from({ length: 5 }, () => PostgresStore.connect({ connectionString: url })),
    );
    closing.push(...stores);
    const all = MIGRATIONS.map((_, i) => i + 1);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(await versions(stores[0]!.pool, 'public')).toEqual(all);
    // Every one of them works on the same tables.
    await Promise.all(stores.map((s, i) => s.insertTask(task(`t${i}`))));
    expect((await stores[4]!.listTasks('alice', { page: 1, size: 10 })).total).toBe(5);
    // And a later start finds nothing left to do.
    expect(await migrate(stores[0]!.pool, 'public')).toEqual([]);
  });

  it('migrates a database of the first schema version forward, keeping its tasks', async () => {
    const schema = 'legacy';
    const pool = new pg.Pool({
      connectionString: databases.url,
      options: `-c search_path=${schema}`,
    });
    closing.push(pool);
    expect(await migrate(pool, schema, { upTo: 1 })).toEqual([1]);
    // Written as the first version's store wrote it: the owner's counter and the task row.
    await pool.query(`INSERT INTO ap_owners (owner, task_count) VALUES ('anonymous', 1)`);
    await pool.query(
      `INSERT INTO ap_tasks (task_id, owner, ord, body, created_at) VALUES ($1, $2, 1, $3, $4)`,
      ['old-task', 'anonymous', JSON.stringify({ input: 'old input' }), '2026-01-01T00:00:00Z'],
    );
    const v1Tables = await pool.query(`SELECT to_regclass('ap_turns') AS turns`);
    expect(v1Tables.rows[0].turns).toBeNull();

    const store = await PostgresStore.connect({ connectionString: databases.url, schema });
    closing.push(store);
    expect(await versions(pool, schema)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(await store.getTask('anonymous', 'old-task')).toEqual({
      task_id: 'old-task',
      owner: 'anonymous',
      input: 'old input',
      additional_input: undefined,
      client_functions: undefined,
      created_at: '2026-01-01T00:00:00Z',
    });
    // The old task takes steps and new tasks follow it, and what version 2 added is there.
    await store.insertStep(step('old-task', 's1', 'completed'));
    await store.insertTask(task('new-task', 'anonymous'));
    expect(
      (await store.listTasks('anonymous', { page: 1, size: 10 })).items.map((t) => t.task_id),
    ).toEqual(['old-task', 'new-task']);
    const turnCount = await pool.query(
      `SELECT turn_count FROM ap_tasks WHERE task_id = 'old-task'`,
    );
    expect(turnCount.rows).toEqual([{ turn_count: '0' }]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ap_turns`)).rows).toEqual([{ n: 0 }]);
    expect(await store.artifactFiles().write('a1', 'bytes')).toBe(5);
  });

  it('quotes the schema name: a reserved word works as any other', async () => {
    const store = await PostgresStore.connect({ connectionString: databases.url, schema: 'user' });
    closing.push(store);
    await store.insertTask(task('t'));
    const where = await store.pool.query(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'ap_tasks' AND table_schema = 'user'`,
    );
    expect(where.rowCount).toBe(1);
  });

  it.each(['Public', 'bad-name', 'a;drop table x', '"quoted"', '1abc', 'x'.repeat(64), ''])(
    'refuses the schema name %j before connecting',
    async (schema) => {
      await expect(
        PostgresStore.connect({ connectionString: databases.url, schema }),
      ).rejects.toThrow(TypeError);
    },
  );
});
