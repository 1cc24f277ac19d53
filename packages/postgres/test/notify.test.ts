import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabases } from './database.js';
import { step, storeOpener, task } from './records.js';

const databases = useTestDatabases();
const stores = storeOpener(() => databases.url);
const listeners: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((c) => c.end()));
  await stores.closeAll();
});

const event = (stepId: string, id: number) => ({
  step_id: stepId,
  id,
  event: 'output.delta',
  data: '{}',
});

describe('PostgresStore event notifications', () => {
  it('wakes a LISTEN client once per step and write, with <replicaId>:<step_id>, on commit only', async () => {
    const store = await stores.open({ replicaId: 'replica-a' });
    expect(store.replicaId).toBe('replica-a');
    // The dedicated connection the coordination module opens: same server, schema and settings.
    const listener = new pg.Client(store.connectionConfig());
    listeners.push(listener);
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === 'ap_events') payloads.push(n.payload ?? '');
    });
    await listener.query('LISTEN ap_events');
    const path = await listener.query<{ search_path: string }>('SHOW search_path');
    expect(path.rows[0]?.search_path).toBe(`"${store.schema}"`);

    await store.insertTask(task('t'));
    await store.insertStep(step('t', 's1', 'running'), [], [event('s1', 1)]);
    await store.appendStepEvents([event('s1', 2), event('s1', 3), event('s2', 1)]);
    await store.insertStep(step('t', 's3')); // no events: no notification
    await store.updateStep(step('t', 's3', 'running'), [], [event('s3', 1), event('s3', 2)]);
    await store.updateStep(step('t', 's3', 'completed'));
    // A write that fails is rolled back, its notification with it.
    await expect(store.appendStepEvents([event('s4', 1), event('s1', 1)])).rejects.toThrow();

    await expect.poll(() => payloads.length).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([payloads[0], payloads.slice(1, 3).sort(), payloads[3]]).toEqual([
      'replica-a:s1',
      ['replica-a:s1', 'replica-a:s2'],
      'replica-a:s3',
    ]);
  });

  it('names each process by a random id unless told', async () => {
    const [one, two] = [await stores.open(), await stores.open()];
    expect(one.replicaId).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.replicaId).not.toBe(two.replicaId);
  });
});
