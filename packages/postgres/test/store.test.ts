import type { OAuthLoginRecord, StepRecord, TaskRecord } from '@agent-protocol/core';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabases } from './database.js';
import { artifact, step, storeOpener, task } from './records.js';

const databases = useTestDatabases();
const stores = storeOpener(() => databases.url);
afterEach(() => stores.closeAll());

/** A step with every field set, internal ones included. */
const fullStep = (taskId: string, id: string): StepRecord => ({
  step_id: id,
  task_id: taskId,
  name: 'write the file',
  status: 'completed',
  input: 'write it',
  additional_input: { model: 'small', nested: { list: [1, 'two', null] } },
  output: 'written \u0000 with a NUL and é',
  additional_output: { tokens: 42 },
  is_last: true,
  outcome: 'failed',
  error: { code: 'step_failed', message: 'it broke' },
  extensions: { secret_demands: [{ key: 'K', name: 'Key', description: 'a key' }] },
  owner: 'alice',
  pause: {
    work: { input: 'write it', additional_input: { model: 'small' } },
    calls: [{ id: 'c1', name: 'lookup', arguments: { q: 1 }, result: { output: 'x' } }],
    demands: [{ key: 'K', name: 'Key', description: 'a key' }],
  },
  declined: ['OTHER'],
  created_at: '2026-11-30T10:00:00.123Z',
});

describe('PostgresStore, the Store contract', () => {
  it('round-trips every field of tasks and steps, undefined and null as given', async () => {
    const store = await stores.open();
    const full: TaskRecord = {
      task_id: 't',
      owner: 'alice',
      input: null,
      additional_input: { deep: { a: [1, 2] } },
      client_functions: ['lookup', 'ask'],
      created_at: '2026-11-30T09:59:59.000Z',
    };
    const bare = task('bare');
    await store.insertTask(full);
    await store.insertTask(bare);
    expect(await store.getTask('alice', 't')).toStrictEqual(full);
    expect(await store.getTask('alice', 'bare')).toEqual(bare);

    const completed = fullStep('t', 's1');
    const running: StepRecord = { ...step('t', 's2', 'running'), owner: 'alice' };
    await store.insertStep(completed);
    await store.insertStep(running);
    expect(await store.getStep('t', 's1')).toStrictEqual(completed);
    expect(await store.getStep('t', 's2')).toEqual(running);
    // Optional fields left out stay out (not null): the wire omits them.
    const read = (await store.getStep('t', 's2'))!;
    for (const field of ['outcome', 'error', 'pause', 'declined'] as const) {
      expect(read[field]).toBeUndefined();
    }
    expect(read.additional_output).toBeNull();
    expect(read.name).toBeNull();
    expect((await store.listSteps('t', { page: 1, size: 10 })).items).toEqual([completed, running]);
    expect(await store.lastStep('t')).toStrictEqual(completed);
    expect(await store.unfinishedSteps()).toEqual([running]);

    // A step moving on is rewritten whole: fields set before and left out now are gone.
    const done: StepRecord = { ...running, status: 'completed', outcome: 'succeeded' };
    await store.updateStep(done);
    expect(await store.getStep('t', 's2')).toEqual(done);
    expect(await store.lastStep('t')).toEqual(done);
    expect(await store.unfinishedSteps()).toEqual([]);
    expect(await store.getStep('other', 's2')).toBeUndefined();
  });

  it('pages tasks per owner with correct totals, including beyond the end', async () => {
    const store = await stores.open();
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
    expect(await store.listTasks('nobody', { page: 1, size: 10 })).toEqual({ items: [], total: 0 });
    expect(
      (await store.listTasks('bob', { page: 1, size: 10 })).items.map((t) => t.task_id),
    ).toEqual(['other']);
    expect(await store.getTask('bob', 't1')).toBeUndefined();
    // A refused insert (the same id again) takes no ordinal: the next task follows without a gap.
    await expect(store.insertTask(task('t1'))).rejects.toThrow();
    await store.insertTask(task('t26'));
    const tail = await store.listTasks('alice', { page: 13, size: 2 });
    expect(tail).toMatchObject({ total: 26, items: [{ task_id: 't25' }, { task_id: 't26' }] });
  });

  it('records a step and its artifacts together, in order, without gaps, and pages both', async () => {
    const store = await stores.open();
    await store.insertTask(task('t'), [artifact('upload', 't')]);
    await store.insertStep({ ...step('t', 's1'), status: 'completed', output: 'done' }, [
      artifact('a1', 't', 's1'),
      artifact('a2', 't', 's1'),
    ]);
    for (let i = 2; i <= 12; i++) await store.insertStep(step('t', `s${i}`, 'completed'));
    const a3 = artifact('a3', 't');
    await store.insertArtifact(a3);
    const steps = await store.listSteps('t', { page: 2, size: 5 });
    expect(steps.total).toBe(12);
    expect(steps.items.map((s) => s.step_id)).toEqual(['s6', 's7', 's8', 's9', 's10']);
    expect(await store.listSteps('t', { page: 4, size: 5 })).toEqual({ items: [], total: 12 });
    expect(await store.listSteps('missing', { page: 1, size: 5 })).toEqual({
      items: [],
      total: 0,
    });
    expect((await store.getStep('t', 's1'))?.output).toBe('done');
    const artifacts = await store.listArtifacts('t', { page: 1, size: 3 });
    expect(artifacts.total).toBe(4);
    expect(artifacts.items.map((a) => a.artifact_id)).toEqual(['upload', 'a1', 'a2']);
    expect((await store.listArtifacts('t', { page: 2, size: 3 })).items).toStrictEqual([a3]);
    expect(await store.getArtifact('t', 'a1')).toEqual({
      ...artifact('a1', 't', 's1'),
      created_at: expect.any(String),
    });
    expect(await store.getArtifact('other', 'a1')).toBeUndefined();
    expect((await store.artifactsOfTask('t')).map((a) => a.artifact_id)).toEqual([
      'upload',
      'a1',
      'a2',
      'a3',
    ]);
    expect((await store.artifactsOfStep('s1')).map((a) => a.artifact_id)).toEqual(['a1', 'a2']);
    expect((await store.lastStep('t'))?.step_id).toBe('s12');
    // A step of a task that is not stored is refused, and takes nothing with it.
    await expect(store.insertStep(step('missing', 'x'))).rejects.toThrow();
  });

  it('keeps artifact sizes past 2 GiB and the fields of artifacts exactly', async () => {
    const store = await stores.open();
    await store.insertTask(task('t'));
    const big = { ...artifact('big', 't'), size: 5 * 1024 ** 3, relative_path: 'out/dir' };
    await store.insertArtifact(big);
    expect(await store.getArtifact('t', 'big')).toStrictEqual(big);
  });

  it('reads the artifacts of a page of tasks in one call, each under its task, in order', async () => {
    const store = await stores.open();
    for (const id of ['t1', 't2', 't3']) await store.insertTask(task(id));
    for (const [id, t] of [
      ['a1', 't1'],
      ['a2', 't3'],
      ['a3', 't1'],
    ] as const)
      await store.insertArtifact(artifact(id, t));
    const byTask = await store.artifactsOfTasks(['t1', 't2', 't3']);
    expect([...byTask.entries()].map(([t, list]) => [t, list.map((a) => a.artifact_id)])).toEqual([
      ['t1', ['a1', 'a3']],
      ['t2', []],
      ['t3', ['a2']],
    ]);
    expect(await store.artifactsOfTasks([])).toEqual(new Map());
  });

  it('reads the artifacts of a page of steps in one call, each under its step, in order', async () => {
    const store = await stores.open();
    await store.insertTask(task('t'));
    await store.insertStep(step('t', 's1', 'completed'), [
      artifact('a1', 't', 's1'),
      artifact('a2', 't', 's1'),
    ]);
    await store.insertStep(step('t', 's2', 'completed'));
    await store.insertStep(step('t', 's3', 'running'));
    await store.updateStep(step('t', 's3', 'completed'), [artifact('a3', 't', 's3')]);
    const byStep = await store.artifactsOfSteps(['s1', 's2', 's3']);
    expect([...byStep.entries()].map(([s, list]) => [s, list.map((a) => a.artifact_id)])).toEqual([
      ['s1', ['a1', 'a2']],
      ['s2', []],
      ['s3', ['a3']],
    ]);
  });

  it('appends step events and reads those after an id, in order', async () => {
    const store = await stores.open();
    await store.insertTask(task('t'));
    const event = (stepId: string, id: number, name: string) => ({
      step_id: stepId,
      id,
      event: name,
      data: JSON.stringify({ id }),
    });
    await store.insertStep(step('t', 'run', 'running'), [], [event('run', 1, 'step.created')]);
    await store.appendStepEvents([
      event('run', 2, 'step.running'),
      event('run', 3, 'output.delta'),
    ]);
    await store.appendStepEvents([]);
    await store.updateStep(step('t', 'run', 'completed'), [], [event('run', 4, 'step.completed')]);
    expect(await store.stepEvents('run', 0)).toEqual([
      event('run', 1, 'step.created'),
      event('run', 2, 'step.running'),
      event('run', 3, 'output.delta'),
      event('run', 4, 'step.completed'),
    ]);
    expect((await store.stepEvents('run', 2)).map((e) => e.id)).toEqual([3, 4]);
    expect(await store.stepEvents('other', 0)).toEqual([]);
    // An event id is written once: a second write of it fails and writes nothing.
    await expect(
      store.appendStepEvents([event('run', 5, 'x'), event('run', 4, 'again')]),
    ).rejects.toThrow();
    expect((await store.stepEvents('run', 3)).map((e) => e.event)).toEqual(['step.completed']);
  });

  it('lists unfinished steps by task, then in order, for a restart', async () => {
    const store = await stores.open();
    await store.insertTask(task('b'));
    await store.insertTask(task('a'));
    await store.insertStep(step('b', 'b1', 'running'));
    await store.insertStep(step('b', 'b2', 'created'));
    await store.insertStep(step('a', 'a1', 'completed'));
    await store.insertStep(step('a', 'a2', 'created'));
    expect((await store.unfinishedSteps()).map((s) => [s.step_id, s.status])).toEqual([
      ['a2', 'created'],
      ['b1', 'running'],
      ['b2', 'created'],
    ]);
    // The step before the next one to run is the last completed one.
    expect((await store.lastStep('a'))?.step_id).toBe('a1');
    expect(await store.lastStep('b')).toBeUndefined();
  });

  it('puts, replaces, lists, deletes and reseals secrets', async () => {
    const store = await stores.open();
    const secret = (id: string, owner: string, key: string, bytes: number[]) => ({
      secret_id: id,
      owner,
      secret_key: key,
      sealed: Buffer.from(bytes),
      created_at: 'created',
      updated_at: 'created',
    });
    await store.putSecret(secret('s1', 'alice', 'A', [1, 2, 3]));
    await store.putSecret(secret('s2', 'alice', 'B', [4]));
    await store.putSecret(secret('s3', 'bob', 'A', [5]));
    expect(await store.getSecret('alice', 'A')).toStrictEqual(
      secret('s1', 'alice', 'A', [1, 2, 3]),
    );
    expect(await store.getSecret('carol', 'A')).toBeUndefined();

    // Replacing keeps the secret's place in the list and its creation time.
    await store.putSecret({ ...secret('s1', 'alice', 'A', [9]), updated_at: 'updated' });
    expect(await store.getSecret('alice', 'A')).toEqual({
      ...secret('s1', 'alice', 'A', [9]),
      updated_at: 'updated',
    });
    const page = await store.listSecrets('alice', { page: 1, size: 1 });
    expect(page.total).toBe(2);
    expect(page.items.map((s) => s.secret_id)).toEqual(['s1']);
    expect((await store.listSecrets('alice', { page: 2, size: 1 })).items[0]?.secret_id).toBe('s2');
    expect(await store.listSecrets('alice', { page: 3, size: 1 })).toEqual({ items: [], total: 2 });

    expect(await store.deleteSecret('bob', 's1')).toBe(false); // not bob's
    expect(await store.deleteSecret('alice', 's1')).toBe(true);
    expect(await store.deleteSecret('alice', 's1')).toBe(false);
    expect((await store.allSecrets()).map((s) => s.secret_id)).toEqual(['s2', 's3']);

    const resealed = (await store.allSecrets()).map((s) => ({
      ...s,
      sealed: Buffer.concat([Buffer.from([0xff]), s.sealed]),
    }));
    const changes = (await store.allSecrets()).map((s, i) => ({
      id: s.secret_id,
      from: s.sealed,
      to: resealed[i]!.sealed,
    }));
    // Stale (the row changed since it was read): left as it is.
    const stale = { id: 's2', from: Buffer.from([0]), to: Buffer.from([1]) };
    expect(await store.resealSecrets([...changes, stale])).toBe(2);
    expect(await store.resealSecrets([])).toBe(0);
    expect(await store.allSecrets()).toEqual(resealed);
  });

  it('gives a pending sign-in back once (also to two replicas at once), dropping expired ones', async () => {
    const store = await stores.open();
    const other = await stores.open();
    const login = (id: string, inMs: number): OAuthLoginRecord => ({
      login_id: id,
      owner: 'alice',
      task_id: 't',
      step_id: 's',
      provider: 'github',
      scopes: ['repo', 'read:user'],
      redirect_uri: 'https://agent.example.com/ap/v1/agent/oauth/callback',
      sealed_verifier: Buffer.from([0, 1, 255]),
      created_at: '2026-11-30T10:00:00.000Z',
      expires_at: new Date(Date.now() + inMs).toISOString(),
    });
    const pending = login('l1', 60_000);
    await store.putOAuthLogin(login('old', -1_000));
    await store.putOAuthLogin(pending);
    expect((await store.allOAuthLogins()).map((l) => l.login_id)).toEqual(['l1']);
    const verifier = Buffer.from([7, 7]);
    expect(
      await store.resealOAuthLogins([
        { id: 'l1', from: pending.sealed_verifier, to: verifier },
        { id: 'l1', from: Buffer.from([0]), to: Buffer.from([1]) },
      ]),
    ).toBe(1);
    pending.sealed_verifier = verifier;
    const taken = await Promise.all([store.takeOAuthLogin('l1'), other.takeOAuthLogin('l1')]);
    expect(taken.filter(Boolean)).toStrictEqual([pending]);
    expect(await store.takeOAuthLogin('l1')).toBeUndefined();
    // Expired before the second was stored: dropped then.
    expect(await store.takeOAuthLogin('old')).toBeUndefined();
  });

  it('answers a ping, and closes once however often it is closed', async () => {
    const store = await stores.open();
    await expect(store.ping()).resolves.toBeUndefined();
    await Promise.all([store.close(), store.close()]);
    await store.close();
  });

  it('keeps each schema to itself', async () => {
    const one = await stores.open();
    const two = await stores.open();
    await one.insertTask(task('t'));
    expect(await two.getTask('alice', 't')).toBeUndefined();
    expect(one.schema).not.toBe(two.schema);
  });
});
