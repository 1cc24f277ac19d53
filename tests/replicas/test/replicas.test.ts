import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoundRobinClient, unexpected, type Answer, type Step } from '../src/client.js';
import { createDatabase, type TestDatabase } from '../src/database.js';
import { followStep, type ReceivedEvent } from '../src/events.js';
import {
  killLeftovers,
  killReplica,
  startReplicas,
  stopReplica,
  type Replica,
} from '../src/replicas.js';
import { overlaps, stepWriteOrder } from '../src/write-order.js';

// PROTOCOL.md section 9: three example apps (Express, Koa, node:http), each its own process, on
// one PostgreSQL database, serve one agent whichever of them a request reaches. The scenarios
// run in order on the same three replicas; the last one kills one of them.

const LEASE_MS = 2000;
/** A dead replica's steps are taken over once its lease ran out, found by a sweep every lease/2. */
const TAKEOVER_MS = LEASE_MS + LEASE_MS / 2;
/** Room for two busy cores on top of the lease and the sweep. */
const MARGIN_MS = 3000;
const TASKS = '/ap/v1/agent/tasks';
const SECRET_VALUE = `xoxb-${randomBytes(12).toString('hex')}`;

let database: TestDatabase | undefined;
let replicas: Replica[] = [];
let client: RoundRobinClient;

beforeAll(async () => {
  database = await createDatabase('ap_replicas');
  replicas = await startReplicas({
    databaseUrl: database.url,
    secretsKey: randomBytes(32).toString('base64'),
    leaseMs: LEASE_MS,
    // 3 x (5 + 1 listening connection) = 18, well under max_connections with other suites.
    poolSize: 5,
  });
  client = new RoundRobinClient(replicas);
});

afterAll(async () => {
  killLeftovers(replicas);
  await database?.drop();
});

const eventNames = (events: ReceivedEvent[]) => events.map((e) => e.event);
const deltas = (events: ReceivedEvent[]) =>
  events.filter((e) => e.event === 'output.delta').map((e) => (e.data as { text: string }).text);

function expectStatus<T>(answer: Answer<T>, status: number): T {
  if (answer.status !== status) throw unexpected(answer, String(status));
  return answer.body;
}

/**
 * Follows a step on `replica`; `running` resolves at its first `output.delta` (the step is running
 * for sure), `events` once the stream ends.
 */
function followUntilFirstDelta(replica: Replica, taskId: string, stepId: string) {
  let firstDelta!: () => void;
  const running = new Promise<void>((resolve) => (firstDelta = resolve));
  const events = followStep(replica, taskId, stepId, (e) => {
    if (e.event === 'output.delta') firstDelta();
  });
  // A stream that fails before any delta must not leave the waiter hanging.
  void events.then(firstDelta, firstDelta);
  return { running, events };
}

describe('three replicas on one database', () => {
  it('all start at the same instant on a fresh database: each is ready (migrations ran once)', async () => {
    expect(new Set(replicas.map((r) => r.name.split(':')[0])).size).toBe(3);
    for (const replica of replicas) {
      const probe = await client.send('GET', '/readyz', { on: replica });
      expect(probe.status, probe.request).toBe(200);
      expect(probe.body).toEqual({ status: 'ready' });
    }
    // The store logs when it migrates; replicas that found the schema migrated say nothing.
    const migrated = replicas.filter((r) => /migrated/i.test(r.process.output()));
    expect(migrated.map((r) => r.name)).toHaveLength(1);
  });

  it('a task made on one is read on the others; a secret stored through one is used on another', async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const task = await client.createTask('shared', a);
    for (const replica of [b, c]) {
      const read = await client.send('GET', `${TASKS}/${task.task_id}`, { on: replica });
      expect(expectStatus(read, 200)).toMatchObject({ task_id: task.task_id, input: 'shared' });
    }

    // Artifact bytes live in the database: written on A, listed on C, downloaded on B.
    const wrote = await client.postStep(task.task_id, "write 'shared bytes' to file 'shared.txt'", {
      on: a,
    });
    expectStatus(wrote, 200);
    const listed = await client.send<{ artifacts: { artifact_id: string; file_name: string }[] }>(
      'GET',
      `${TASKS}/${task.task_id}/artifacts`,
      { on: c },
    );
    const [artifact] = expectStatus(listed, 200).artifacts;
    expect(artifact?.file_name).toBe('shared.txt');
    const download = await client.send(
      'GET',
      `${TASKS}/${task.task_id}/artifacts/${artifact!.artifact_id}`,
      { on: b },
    );
    expect(expectStatus(download, 200)).toBe('shared bytes');

    const stored = await client.send('POST', '/ap/v1/agent/secrets', {
      body: { secret_key: 'REFERENCE_API_KEY', secret_value: SECRET_VALUE },
      on: b,
    });
    expectStatus(stored, 200);
    const used = await client.postStep(task.task_id, 'use secret REFERENCE_API_KEY', { on: c });
    expect(expectStatus(used, 200).output).toContain(
      `Secret REFERENCE_API_KEY is available (${SECRET_VALUE.length} characters).`,
    );
    // The reference agent logs the value on purpose (a handler's mistake): C logged the line,
    // with the value masked by the key it opened with B's sealing; no replica printed it.
    expect(c.process.output()).toContain('use secret REFERENCE_API_KEY: the value is');
    for (const replica of replicas) expect(replica.process.output()).not.toContain(SECRET_VALUE);
  });

  it('50 concurrent background steps on one task, sent round-robin, all run, one at a time', async () => {
    const task = await client.createTask(null);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        client.postStep(task.task_id, 'stream 2 10', { background: true }),
      ),
    );
    for (const answer of answers) expectStatus(answer, 202);
    expect(new Set(answers.map((a) => a.replica.name)).size).toBe(3);
    const ids = answers.map((a) => a.body.step_id);

    let list = await client.listSteps(task.task_id);
    for (let waited = 0; list.steps.some((s) => s.status !== 'completed'); waited += 200) {
      if (waited > 60_000) throw new Error(`not all completed: ${JSON.stringify(list.steps)}`);
      await sleep(200);
      list = await client.listSteps(task.task_id);
    }
    expect(list.pagination).toMatchObject({ total_items: 50, total_pages: 1 });
    expect(list.steps.map((s) => s.step_id).sort()).toEqual([...ids].sort());
    for (const step of list.steps) {
      expect(step).toMatchObject({ status: 'completed', outcome: 'succeeded', output: '1 2 ' });
    }

    // Never two at once, across the replicas: each started after the previous one completed.
    const writes = await stepWriteOrder(database!.url, ids);
    expect(writes).toHaveLength(50);
    expect(overlaps(writes)).toEqual([]);

    // Each step's event log, replayed whole by whichever replica is asked.
    for (let i = 0; i < ids.length; i += 10) {
      const logs = await Promise.all(
        ids.slice(i, i + 10).map((id) => followStep(client.next(), task.task_id, id)),
      );
      for (const events of logs) {
        expect(eventNames(events)).toEqual([
          'step.created',
          'step.running',
          'output.delta',
          'output.delta',
          'step.completed',
        ]);
        expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
      }
    }
  });

  it('a stream opened on B follows a step running on A, live', async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const task = await client.createTask(null, a);
    const started = expectStatus(
      await client.postStep(task.task_id, 'stream 5 200', { background: true, on: a }),
      202,
    );
    let atFirstDelta: Promise<Step> | undefined;
    const events = await followStep(b, task.task_id, started.step_id, (event) => {
      if (event.event !== 'output.delta' || atFirstDelta) return;
      atFirstDelta = client.getStep(task.task_id, started.step_id, c);
      atFirstDelta.catch(() => undefined); // awaited below
    });

    expect(eventNames(events)).toEqual([
      'step.created',
      'step.running',
      ...Array<string>(5).fill('output.delta'),
      'step.completed',
    ]);
    expect(deltas(events)).toEqual(['1 ', '2 ', '3 ', '4 ', '5 ']);
    expect(events.map((e) => e.id)).toEqual(events.map((e) => e.id).sort((x, y) => x - y));
    const completed = events.at(-1)!;
    expect(completed.data).toMatchObject({ outcome: 'succeeded', output: '1 2 3 4 5 ' });
    // Live: when B delivered the first delta, C still saw the step running, and the rest came
    // about 200 ms apart (a replay at the end would deliver them all at once).
    expect((await atFirstDelta!).status).toBe('running');
    const first = events.find((e) => e.event === 'output.delta')!;
    expect(completed.at - first.at).toBeGreaterThan(500);
  });

  it('a cancel sent to C stops a step running on A', async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const task = await client.createTask(null, a);
    const started = expectStatus(
      await client.postStep(task.task_id, 'stream 50 200', { background: true, on: a }),
      202,
    );
    const followed = followUntilFirstDelta(b, task.task_id, started.step_id);
    await followed.running;

    const sentAt = performance.now();
    const cancel = await client.send(
      'POST',
      `${TASKS}/${task.task_id}/steps/${started.step_id}/cancel`,
      {
        on: c,
      },
    );
    expectStatus(cancel, 202);
    const { step } = await client.waitForStep(
      task.task_id,
      started.step_id,
      (s) => s.status === 'completed',
      10_000,
    );
    expect(step.outcome).toBe('cancelled');
    expect(performance.now() - sentAt).toBeLessThan(3000);
    // It kept what it wrote, and stopped well before its 50th delta.
    expect(step.output).toMatch(/^(\d+ )+$/);
    expect(step.output!.split(' ').length - 1).toBeLessThan(50);
    const events = await followed.events;
    expect(events.at(-1)).toMatchObject({
      event: 'step.completed',
      data: { outcome: 'cancelled' },
    });
  });

  it('a replica killed with SIGKILL mid-step loses nothing acknowledged; survivors take over', async () => {
    const [a, victim, c] = replicas as [Replica, Replica, Replica];

    // Other load meanwhile, round-robin over whoever is alive: what was answered must be kept.
    const acknowledged = {
      tasks: [] as string[],
      done: [] as { taskId: string; stepId: string; output: string | null; by: Replica }[],
      background: [] as { taskId: string; stepId: string }[],
    };
    let loading = true;
    const load = async (n: number) => {
      for (let i = 0; loading; i++) {
        try {
          const { task_id } = await client.createTask(`load ${n}.${i}`);
          acknowledged.tasks.push(task_id);
          const done = await client.postStep(task_id, `now ${n}.${i}`);
          if (done.status === 200) {
            acknowledged.done.push({
              taskId: task_id,
              stepId: done.body.step_id,
              output: done.body.output,
              by: done.replica,
            });
          }
          const later = await client.postStep(task_id, `later ${n}.${i}`, { background: true });
          if (later.status === 202) {
            acknowledged.background.push({ taskId: task_id, stepId: later.body.step_id });
          }
        } catch {
          // Cut by the kill: never acknowledged.
        }
        await sleep(20);
      }
    };
    const loads = [1, 2, 3].map(load);

    const task = await client.createTask(null, victim);
    const long = expectStatus(
      await client.postStep(task.task_id, 'stream 100 100', { background: true, on: victim }),
      202,
    );
    expect(long.status).toBe('running');
    // Queued behind it, sent one after the other (so "the order received" is well defined),
    // through the victim and through a survivor.
    const queued: string[] = [];
    for (const [i, on] of [
      [1, victim],
      [2, a],
      [3, victim],
    ] as const) {
      const step = expectStatus(
        await client.postStep(task.task_id, `queued ${i}`, { background: true, on }),
        202,
      );
      expect(step.status).toBe('created');
      queued.push(step.step_id);
    }
    const followed = followUntilFirstDelta(c, task.task_id, long.step_id);
    await followed.running;
    await sleep(300);

    await killReplica(victim);
    const { step, waitedMs } = await client.waitForStep(
      task.task_id,
      long.step_id,
      (s) => s.status === 'completed',
      TAKEOVER_MS + 20_000,
    );
    expect(step).toMatchObject({ outcome: 'failed', error: { code: 'interrupted' } });
    expect(waitedMs).toBeLessThan(TAKEOVER_MS + MARGIN_MS);
    // The stream followed on a survivor ends with it, and the output is what had been streamed.
    const events = await followed.events;
    expect(events.at(-1)).toMatchObject({
      event: 'step.completed',
      data: { outcome: 'failed', error: { code: 'interrupted' } },
    });
    expect(step.output ?? '').toBe(deltas(events).join(''));

    // The steps queued behind it run on the survivors, in the order received, one at a time.
    for (const [i, id] of queued.entries()) {
      const { step: ran } = await client.waitForStep(
        task.task_id,
        id,
        (s) => s.status === 'completed',
        TAKEOVER_MS + 20_000,
      );
      expect(ran.outcome).toBe('succeeded');
      expect(ran.output).toContain(`You said: queued ${i + 1}`);
    }
    const writes = await stepWriteOrder(database!.url, [long.step_id, ...queued]);
    expect(writes.map((w) => w.stepId)).toEqual([long.step_id, ...queued]);
    expect(overlaps(writes)).toEqual([]);

    loading = false;
    await Promise.all(loads);
    // Some of what must be kept was answered by the replica that died.
    expect(acknowledged.done.filter((d) => d.by === victim).length).toBeGreaterThan(0);
    const lost: string[] = [];
    const check = async (work: () => Promise<void>, what: string) => {
      try {
        await work();
      } catch (error) {
        lost.push(`${what}: ${(error as Error).message}`);
      }
    };
    const checks: (() => Promise<void>)[] = [
      ...acknowledged.tasks.map(
        (taskId) => () =>
          check(async () => {
            expectStatus(await client.send('GET', `${TASKS}/${taskId}`), 200);
          }, `task ${taskId}`),
      ),
      ...acknowledged.done.map(
        ({ taskId, stepId, output }) =>
          () =>
            check(async () => {
              expect((await client.getStep(taskId, stepId)).output).toBe(output);
            }, `step ${stepId}`),
      ),
      // Background steps complete, wherever they were when the victim died.
      ...acknowledged.background.map(
        ({ taskId, stepId }) =>
          () =>
            check(async () => {
              const { step: ended } = await client.waitForStep(
                taskId,
                stepId,
                (s) => s.status === 'completed',
                TAKEOVER_MS + 20_000,
              );
              if (ended.outcome !== 'succeeded') expect(ended.error?.code).toBe('interrupted');
            }, `background step ${stepId}`),
      ),
    ];
    for (let i = 0; i < checks.length; i += 16) {
      await Promise.all(checks.slice(i, i + 16).map((run) => run()));
    }
    expect(lost).toEqual([]);
  });

  it('no replica ever printed the secret, and the survivors stop cleanly on SIGTERM', async () => {
    for (const replica of replicas) expect(replica.process.output()).not.toContain(SECRET_VALUE);
    for (const replica of replicas.filter((r) => r.alive)) {
      expect(await stopReplica(replica), replica.name).toBe(0);
    }
  });
});
