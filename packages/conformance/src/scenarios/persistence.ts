import { setTimeout as sleep } from 'node:timers/promises';
import type { Artifact, Step, Task } from '@agent-protocol/core';
import { ALL_BYTE_VALUES } from '../bytes.js';
import type { CaseRequest } from '../case.js';
import { field, file, post, TASKS, upload } from '../cases/requests.js';
import { send } from '../send.js';
import { ensure, ensureEqual, ensureSuccess, ok, type Scenario } from './scenario.js';

const all = { page_size: '100' };
const get = (path: string, query?: Record<string, string>): CaseRequest => ({
  method: 'GET',
  path,
  query,
});

/** Everything a client can read back, artifact bytes and download headers included. */
async function snapshot(baseUrl: string): Promise<unknown> {
  const tasks = await ok<{ tasks: Task[]; pagination: unknown }>(baseUrl, get(TASKS, all));
  const perTask = [];
  for (const task of tasks.tasks) {
    const base = `${TASKS}/${task.task_id}`;
    const steps = await ok<{ steps: Step[] }>(baseUrl, get(`${base}/steps`, all));
    const artifacts = await ok<{ artifacts: Artifact[] }>(baseUrl, get(`${base}/artifacts`, all));
    const stepReads = [];
    for (const step of steps.steps)
      stepReads.push(await ok(baseUrl, get(`${base}/steps/${step.step_id}`)));
    const downloads = [];
    for (const artifact of artifacts.artifacts) {
      const request = get(`${base}/artifacts/${artifact.artifact_id}`);
      const observed = await send(baseUrl, request);
      ensureSuccess(observed, request);
      downloads.push({
        type: observed.headers['content-type'],
        disposition: observed.headers['content-disposition'],
        base64: observed.body.toString('base64'),
      });
    }
    perTask.push({ task: await ok(baseUrl, get(base)), steps, stepReads, artifacts, downloads });
  }
  return { tasks, perTask };
}

/** Server restarts on the same data dir lose nothing (PROTOCOL.md section 6). */
export const persistenceScenarios: Scenario[] = [
  {
    name: 'restart on the same data dir: every task, step and artifact is still there, byte-exact',
    async run(harness) {
      const first = await ok<Task>(
        harness.baseUrl,
        post(TASKS, { input: 'keep me', additional_input: { greeting: 'Hi', x: [1] } }),
      );
      const second = await ok<Task>(harness.baseUrl, post(TASKS, { input: 'and me' }));
      const steps1 = `${TASKS}/${first.task_id}/steps`;
      await ok(harness.baseUrl, post(steps1, { input: 'one' }));
      await ok(
        harness.baseUrl,
        post(steps1, { input: "write 'kept across restarts' to file 'kept/file.txt'" }),
      );
      await ok(
        harness.baseUrl,
        upload(
          [field('relative_path', 'bin'), file(ALL_BYTE_VALUES, 'bytes ✓.bin')],
          `${TASKS}/${first.task_id}/artifacts`,
        ),
      );
      await ok(harness.baseUrl, post(`${TASKS}/${second.task_id}/steps`, { input: 'finish' }));

      const before = await snapshot(harness.baseUrl);
      await harness.restart();
      const after = await snapshot(harness.baseUrl);
      ensureEqual(after, before, 'what the server serves after the restart');

      // The restarted server carries on where the first stopped: order and numbering continue.
      const third = await ok<Step>(harness.baseUrl, post(steps1, { input: 'three' }));
      ensure(
        third.output === 'Hi. You said: three',
        `the task's options survive the restart: got ${third.output}`,
      );
      const listed = await ok<{ steps: Step[] }>(harness.baseUrl, get(steps1, all));
      ensureEqual(
        listed.steps.map((s) => s.input),
        ['one', "write 'kept across restarts' to file 'kept/file.txt'", 'three'],
        'steps after the restart',
      );
      const newer = await ok<Task>(harness.baseUrl, post(TASKS, { input: 'after restart' }));
      const tasks = await ok<{ tasks: Task[] }>(harness.baseUrl, get(TASKS, all));
      ensureEqual(
        tasks.tasks.map((t) => t.task_id),
        [first.task_id, second.task_id, newer.task_id],
        'tasks after the restart, in creation order',
      );
    },
  },
  {
    name: 'restart while a step is running: after the restart every step is completed, and an answered step is kept',
    async run(harness) {
      const task = await ok<Task>(
        harness.baseUrl,
        post(TASKS, { input: 'slow', additional_input: { delay_ms: 300 } }),
      );
      const steps = `${TASKS}/${task.task_id}/steps`;
      await ok(harness.baseUrl, post(steps, { input: 'before' }));
      const pending = send(harness.baseUrl, post(steps, { input: 'in flight' }));
      await sleep(100);
      await harness.restart();
      const answer = await pending;
      const listed = await ok<{ steps: Step[] }>(harness.baseUrl, get(steps, all));
      ensure(
        listed.steps.every((s) => s.status === 'completed'),
        `a half-written step survived the restart: ${JSON.stringify(listed.steps)}`,
      );
      // A server may finish the step before stopping (a graceful close) or drop it: both are fine,
      // as long as what the client was told is what the store holds.
      const expected = answer.status === 200 ? ['before', 'in flight'] : ['before'];
      ensureEqual(
        listed.steps.map((s) => s.input),
        expected,
        `steps after the restart (the step was answered ${answer.status || answer.error})`,
      );
      if (answer.status === 200)
        ensureEqual(listed.steps[1], answer.json, 'the answered step, after the restart');
    },
  },
  {
    name: 'two restarts in a row: nothing is lost and nothing is duplicated',
    async run(harness) {
      const task = await ok<Task>(harness.baseUrl, post(TASKS, { input: 'twice' }));
      await ok(harness.baseUrl, post(`${TASKS}/${task.task_id}/steps`, { input: 'a' }));
      const before = await snapshot(harness.baseUrl);
      await harness.restart();
      await harness.restart();
      ensureEqual(
        await snapshot(harness.baseUrl),
        before,
        'what the server serves after two restarts',
      );
    },
  },
];
