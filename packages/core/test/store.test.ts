import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { OAuthLoginRecord, StepRecord, Store, TaskRecord } from '../src/store/types.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'core-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const task = (id: string, owner = 'alice'): TaskRecord => ({
  task_id: id,
  owner,
  input: `input ${id}`,
  additional_input: { n: id },
  client_functions: undefined,
  created_at: new Date().toISOString(),
});

const step = (
  taskId: string,
  id: string,
  status: StepRecord['status'] = 'created',
): StepRecord => ({
  step_id: id,
  task_id: taskId,
  name: null,
  status,
  input: id,
  additional_input: undefined,
  output: null,
  additional_output: null,
  is_last: false,
  extensions: undefined,
  created_at: new Date().toISOString(),
});

/** A pending sign-in that expires `inMs` from now (in the past when negative). */
const login = (id: string, inMs: number, owner = 'alice'): OAuthLoginRecord => ({
  login_id: id,
  owner,
  task_id: 't',
  step_id: 's',
  provider: 'github',
  scopes: ['repo', 'read:user'],
  redirect_uri: 'https://agent.example.com/ap/v1/agent/oauth/callback',
  sealed_verifier: Buffer.from([1, 2, 3, 0, 255]),
  created_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + inMs).toISOString(),
});

const stores: [string, () => Promise<Store>][] = [
  ['memory', async () => new MemoryStore()],
  ['sqlite', async () => new SqliteStore({ dataDir: await tempDir() })],
];

describe.each(stores)('%s store', (_name, make) => {
  it('pages tasks per owner with correct totals, including beyond the end', async () => {
    const store = await make();
    for (let i = 1; i <= 25; i++) await store.insertTask(task(`t${i}`));
    await store.insertTask(task('other', 'bob'));
    const first = await store.listTasks('alice', { page: 1, size: 10 });
    expect(first.total).toBe(25);
    expect(first.items.map((t) => t.task_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `t${i + 1}`),
    );
    const last = await store.listTasks('alice', { page: 3, size: 10 });
    expect(last.items.map((t) => t.task_id)).toEqual(['t21', 't22', 't23', 't24', 't25']);
    expect(await store.listTasks('alice', { page: 4, size: 10 })).toEqual({ items: [], total: 25 });
    expect(
      (await store.listTasks('bob', { page: 1, size: 10 })).items.map((t) => t.task_id),
    ).toEqual(['other']);
    expect(await store.getTask('bob', 't1')).toBeUndefined();
    await store.close();
  });

  it('records a step and its artifacts together, in order, without gaps', async () => {
    const store = await make();
    await store.insertTask(task('t'));
    await store.insertStep({ ...step('t', 's1'), status: 'completed', output: 'done' }, [
      {
        artifact_id: 'a1',
        task_id: 't',
        step_id: 's1',
        agent_created: true,
        file_name: 'f.txt',
        relative_path: null,
        size: 3,
        created_at: new Date().toISOString(),
      },
    ]);
    await store.insertStep(step('t', 's2', 'completed'));
    const steps = await store.listSteps('t', { page: 1, size: 10 });
    expect(steps.items.map((s) => [s.step_id, s.status])).toEqual([
      ['s1', 'completed'],
      ['s2', 'completed'],
    ]);
    expect(steps.total).toBe(2);
    expect((await store.getStep('t', 's1'))?.output).toBe('done');
    expect((await store.artifactsOfStep('s1')).map((a) => a.artifact_id)).toEqual(['a1']);
    expect((await store.lastStep('t'))?.step_id).toBe('s2');
    await store.close();
  });
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

describe.each(stores)('%s store, artifacts of a page of tasks', (_name, make) => {
  it('reads them in one call, each under its task, in creation order', async () => {
    const store = await make();
    for (const id of ['t1', 't2', 't3']) await store.insertTask(task(id));
    const artifact = (id: string, taskId: string) => ({
      artifact_id: id,
      task_id: taskId,
      step_id: null,
      agent_created: false,
      file_name: `${id}.txt`,
      relative_path: null,
      size: 1,
      created_at: new Date().toISOString(),
    });
    for (const [id, t] of [
      ['a1', 't1'],
      ['a2', 't3'],
      ['a3', 't1'],
    ])
      await store.insertArtifact(artifact(id!, t!));
    const byTask = await store.artifactsOfTasks(['t1', 't2', 't3']);
    expect([...byTask.entries()].map(([t, list]) => [t, list.map((a) => a.artifact_id)])).toEqual([
      ['t1', ['a1', 'a3']],
      ['t2', []],
      ['t3', ['a2']],
    ]);
    await store.close();
  });
});

describe.each(stores)('%s store, artifacts of a page of steps', (_name, make) => {
  it('reads them in one call, each under its step, in creation order', async () => {
    const store = await make();
    await store.insertTask(task('t'));
    const artifact = (id: string, stepId: string) => ({
      artifact_id: id,
      task_id: 't',
      step_id: stepId,
      agent_created: true,
      file_name: `${id}.txt`,
      relative_path: null,
      size: 1,
      created_at: new Date().toISOString(),
    });
    await store.insertStep(step('t', 's1', 'completed'), [
      artifact('a1', 's1'),
      artifact('a2', 's1'),
    ]);
    await store.insertStep(step('t', 's2', 'completed'));
    await store.insertStep(step('t', 's3', 'completed'), [artifact('a3', 's3')]);
    const byStep = await store.artifactsOfSteps(['s1', 's2', 's3']);
    expect([...byStep.entries()].map(([s, list]) => [s, list.map((a) => a.artifact_id)])).toEqual([
      ['s1', ['a1', 'a2']],
      ['s2', []],
      ['s3', ['a3']],
    ]);
    await store.close();
  });
});

describe.each(stores)('%s store: pending sign-ins', (_name, make) => {
  it('gives a pending sign-in back exactly once, whole, even to two takes at once', async () => {
    const store = await make();
    const pending = login('l1', 60_000);
    await store.putOAuthLogin(pending);
    const [first, second] = await Promise.all([
      store.takeOAuthLogin('l1'),
      store.takeOAuthLogin('l1'),
    ]);
    expect([first, second].filter(Boolean)).toEqual([pending]);
    expect(await store.takeOAuthLogin('l1')).toBeUndefined();
    expect(await store.takeOAuthLogin('never-stored')).toBeUndefined();
    await store.close();
  });

  it('drops expired sign-ins when a new one is stored, and returns one taken after expiry', async () => {
    const store = await make();
    await store.putOAuthLogin(login('old', -1_000));
    await store.putOAuthLogin(login('late', 5_000));
    await store.putOAuthLogin(login('new', 60_000, 'bob'));
    expect(await store.takeOAuthLogin('old')).toBeUndefined();
    expect((await store.takeOAuthLogin('new'))?.owner).toBe('bob');
    // Not yet expired when the last one was stored: given back, the caller judges its expiry.
    expect((await store.takeOAuthLogin('late'))?.login_id).toBe('late');
    await store.close();
  });
});

describe.each(stores)('%s store: re-sealing for a key rotation', (_name, make) => {
  it('replaces a sealed value only where the row still holds what was read', async () => {
    const store = await make();
    const sealed = (bytes: number[]) => Buffer.from(bytes);
    for (const [id, owner] of [
      ['s1', 'alice'],
      ['s2', 'bob'],
    ] as const) {
      await store.putSecret({
        secret_id: id,
        owner,
        secret_key: `K_${id}`,
        sealed: sealed([1, id === 's1' ? 1 : 2]),
        created_at: 'c',
        updated_at: 'u',
      });
    }
    // s2 was rewritten by a running server after the rotation read it: its newer value stays.
    const changes = [
      { id: 's1', from: sealed([1, 1]), to: sealed([9, 1]) },
      { id: 's2', from: sealed([1, 0]), to: sealed([9, 2]) },
      { id: 'gone', from: sealed([1]), to: sealed([9]) },
    ];
    expect(await store.resealSecrets(changes)).toBe(1);
    expect(await store.resealSecrets([])).toBe(0);
    const after = new Map((await store.allSecrets()).map((s) => [s.secret_id, s.sealed]));
    expect(after).toEqual(
      new Map([
        ['s1', sealed([9, 1])],
        ['s2', sealed([1, 2])],
      ]),
    );

    await store.putOAuthLogin(login('l1', 60_000));
    await store.putOAuthLogin(login('l2', 60_000));
    expect((await store.allOAuthLogins()).map((l) => l.login_id).sort()).toEqual(['l1', 'l2']);
    const verifier = login('l1', 0).sealed_verifier;
    expect(
      await store.resealOAuthLogins([
        { id: 'l1', from: verifier, to: sealed([7]) },
        { id: 'l2', from: sealed([0]), to: sealed([7]) },
      ]),
    ).toBe(1);
    expect((await store.takeOAuthLogin('l1'))?.sealed_verifier).toEqual(sealed([7]));
    expect((await store.takeOAuthLogin('l2'))?.sealed_verifier).toEqual(verifier);
    await store.close();
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
