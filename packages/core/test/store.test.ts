import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { storeContract } from '../src/store/contract/index.js';
import { login, step, task } from '../src/store/contract/records.js';
import type { Store } from '../src/store/types.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'core-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
const stores: [string, () => Promise<Store>][] = [
  ['memory', async () => new MemoryStore()],
  ['sqlite', async () => new SqliteStore({ dataDir: await tempDir() })],
];

// The contract every store keeps (the PostgreSQL store runs the same checks).
describe.each(stores)('%s store: the Store contract', (_name, make) => {
  for (const check of storeContract) {
    it(check.name, () =>
      check.run(async () => {
        const store = await make();
        opened.push(store);
        return store;
      }),
    );
  }
});

describe('sqlite store', () => {
  it('keeps everything across a reopen, and lists the steps a restart must resume with their events', async () => {
    const dataDir = await tempDir();
    const before = new SqliteStore({ dataDir });
    await before.insertTask(task('t'));
    await before.insertStep(step('t', 'done', 'completed'));
    const event = (id: number, name: string) => ({
      step_id: 'running',
      id,
      event: name,
      data: '{}',
    });
    await before.insertStep(step('t', 'running', 'running'), [], [event(1, 'step.created')]);
    await before.appendStepEvents([event(2, 'step.running'), event(3, 'output.delta')]);
    await before.insertStep(step('t', 'queued', 'created'));
    await before.close();

    const after = new SqliteStore({ dataDir });
    expect((await after.getTask('alice', 't'))?.additional_input).toEqual({ n: 't' });
    expect((await after.unfinishedSteps()).map((s) => [s.step_id, s.status])).toEqual([
      ['running', 'running'],
      ['queued', 'created'],
    ]);
    expect((await after.stepEvents('running', 1)).map((e) => e.id)).toEqual([2, 3]);
    // The step before the next one to run is the last completed one.
    expect((await after.lastStep('t'))?.step_id).toBe('done');
    await after.close();
  });

  it('commits concurrent writes together, rolls back a failing one alone, and resolves only once committed', async () => {
    const dataDir = await tempDir();
    const store = new SqliteStore({ dataDir });
    await store.insertTask(task('t'));
    // Issued in one turn of the event loop: one transaction, one savepoint each.
    const writes = [
      store.insertTask(task('a')),
      store.insertTask(task('t')), // duplicate primary key: fails alone
      store.insertStep(step('t', 's1', 'completed')),
      store.insertTask(task('b')),
    ];
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // Another connection sees every acknowledged write: it is committed, not merely queued.
    const reader = new Database(join(dataDir, 'agent.db'), { readonly: true });
    const ids = reader.prepare('SELECT task_id FROM tasks ORDER BY ord').all() as {
      task_id: string;
    }[];
    expect(ids.map((r) => r.task_id)).toEqual(['t', 'a', 'b']);
    expect(reader.prepare('SELECT step_id FROM steps').all()).toEqual([{ step_id: 's1' }]);
    reader.close();
    await store.close();
  });

  it('commits writes still queued when it closes', async () => {
    const dataDir = await tempDir();
    const store = new SqliteStore({ dataDir });
    const write = store.insertTask(task('late'));
    await store.close();
    await write;
    const reopened = new SqliteStore({ dataDir });
    expect((await reopened.getTask('alice', 'late'))?.task_id).toBe('late');
    await reopened.close();
  });

  it('serves any page with an index seek, never a table scan', async () => {
    const dataDir = await tempDir();
    const store = new SqliteStore({ dataDir });
    await store.close();
    const db = new Database(join(dataDir, 'agent.db'), { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    for (const sql of [
      "SELECT * FROM tasks WHERE owner = 'a' AND ord BETWEEN CAST(99991 AS INTEGER) AND CAST(100000 AS INTEGER) ORDER BY ord",
      "SELECT COALESCE(MAX(ord), 0) FROM tasks WHERE owner = 'a'",
      "SELECT * FROM steps WHERE task_id = 't' AND ord BETWEEN CAST(51 AS INTEGER) AND CAST(60 AS INTEGER) ORDER BY ord",
      "SELECT * FROM artifacts WHERE task_id = 't' AND ord BETWEEN CAST(51 AS INTEGER) AND CAST(60 AS INTEGER) ORDER BY ord",
      // The artifacts of a page of steps: one lookup per step id, by index.
      'SELECT * FROM artifacts WHERE step_id IN (SELECT value FROM json_each(\'["a","b"]\')) ORDER BY step_id, ord',
    ]) {
      const detail = plan(sql);
      expect(detail).toMatch(/SEARCH .* USING (COVERING )?INDEX/);
      // Only the list of ids handed in may be scanned, never a table.
      expect(detail).not.toMatch(/SCAN (tasks|steps|artifacts)\b/);
    }
    db.close();
  });
});

describe('sqlite store: pending sign-ins survive a restart', () => {
  it('finds a sign-in stored before the store was closed and reopened', async () => {
    const dataDir = await tempDir();
    const before = new SqliteStore({ dataDir });
    await before.putOAuthLogin(login('l1', 60_000));
    await before.close();
    const after = new SqliteStore({ dataDir });
    expect(await after.takeOAuthLogin('l1')).toEqual(
      expect.objectContaining({
        login_id: 'l1',
        scopes: ['repo', 'read:user'],
        sealed_verifier: Buffer.from([1, 2, 3, 0, 255]),
      }),
    );
    await after.close();
  });
});

describe('sqlite store migrations', () => {
  it('opens a data directory from before secrets existed, keeping its tasks and adding what is new', async () => {
    const dataDir = await tempDir();
    const first = new SqliteStore({ dataDir });
    await first.insertTask(task('old-task', 'anonymous'));
    await first.close();
    // Turn it into a directory written by the first schema version.
    const db = new Database(join(dataDir, 'agent.db'));
    db.exec(
      'DROP TABLE secrets; DROP TABLE step_events; DROP INDEX steps_unfinished; DROP TABLE oauth_logins',
    );
    db.pragma('user_version = 1');
    db.close();

    const reopened = new SqliteStore({ dataDir });
    expect((await reopened.getTask('anonymous', 'old-task'))?.input).toBe('input old-task');
    await reopened.putSecret({
      secret_id: 's1',
      owner: 'anonymous',
      secret_key: 'K',
      sealed: Buffer.from([1, 2, 3]),
      created_at: 'now',
      updated_at: 'now',
    });
    expect((await reopened.getSecret('anonymous', 'K'))?.secret_id).toBe('s1');
    // The event log of background steps (migration 3) is there too.
    await reopened.appendStepEvents([{ step_id: 's', id: 1, event: 'step.created', data: '{}' }]);
    expect((await reopened.stepEvents('s', 0)).map((e) => e.event)).toEqual(['step.created']);
    // And the pending sign-ins of delegated login (migration 4).
    await reopened.putOAuthLogin(login('l1', 60_000));
    expect((await reopened.takeOAuthLogin('l1'))?.provider).toBe('github');
    await reopened.close();
    const check = new Database(join(dataDir, 'agent.db'), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(4);
    check.close();
  });
});
