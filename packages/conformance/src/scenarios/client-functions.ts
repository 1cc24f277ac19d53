import type { Step, Task } from '@agent-protocol/core';
import type { CaseRequest } from '../case.js';
import { CALL_EMAIL, EMAIL_ARGS } from '../cases/client-functions.js';
import { post, TASKS } from '../cases/requests.js';
import { send } from '../send.js';
import { ensure, ensureEqual, ok, type Scenario } from './scenario.js';

const get = (path: string): CaseRequest => ({ method: 'GET', path });

/**
 * A step asks the client to run a function; the server restarts; the client sends an empty step
 * (the same call is asked again, same id), then the result: the work continues with it, and
 * the same result a second time is a 409.
 */
const restartWhileCalling: Scenario = {
  name: 'restart while a step waits for a function result: after it, the call is answered and the work continues',
  async run(harness) {
    const task = await ok<Task>(
      harness.baseUrl,
      post(TASKS, { input: 'restart', client_functions: ['send_email'] }),
    );
    const steps = `${TASKS}/${task.task_id}/steps`;
    const paused = await ok<Step>(harness.baseUrl, post(steps, { input: CALL_EMAIL }));
    const call = paused.function_calls?.[0];
    ensure(call, `the step made no function call: ${JSON.stringify(paused)}`);
    ensureEqual(
      [paused.function_calls!.length, call.name, call.arguments, paused.is_last],
      [1, 'send_email', EMAIL_ARGS, false],
      'the paused step (calls, name, arguments, is_last)',
    );

    await harness.restart();

    ensureEqual(
      await ok(harness.baseUrl, get(`${steps}/${paused.step_id}`)),
      paused,
      'the paused step, read back after the restart',
    );
    const again = await ok<Step>(harness.baseUrl, post(steps, {}));
    ensureEqual(again.function_calls, [call], 'the call an empty step asks for after the restart');
    const result = { id: call.id, output: { message_id: 'm-restart' } };
    const done = await ok<Step>(harness.baseUrl, post(steps, { function_results: [result] }));
    ensureEqual(
      [done.name, done.output, done.is_last],
      ['call_function', 'Hello. send_email returned {"message_id":"m-restart"}.', false],
      'the step answering the call (name, output, is_last)',
    );
    const twice = await send(harness.baseUrl, post(steps, { function_results: [result] }));
    ensure(twice.status === 409, `the same result again: expected 409, got ${twice.status}`);
    const listed = await ok<{ steps: Step[] }>(harness.baseUrl, get(steps));
    ensureEqual(
      listed.steps.map((s) => s.step_id),
      [paused.step_id, again.step_id, done.step_id],
      'the steps of the task (the refused result is not one)',
    );
  },
};

/**
 * The same result sent five times at once (a client retrying): exactly one is taken (200), the
 * others are 409, and the task has one step more.
 */
const concurrentResults: Scenario = {
  name: 'one result sent 5 times at once: exactly one is taken, the others are 409',
  async run({ baseUrl }) {
    const task = await ok<Task>(
      baseUrl,
      post(TASKS, { input: 'retries', client_functions: ['send_email'] }),
    );
    const steps = `${TASKS}/${task.task_id}/steps`;
    const paused = await ok<Step>(baseUrl, post(steps, { input: CALL_EMAIL }));
    const id = paused.function_calls?.[0]?.id;
    ensure(id, `the step made no function call: ${JSON.stringify(paused)}`);
    const request = post(steps, { function_results: [{ id, output: 'sent' }] });
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(baseUrl, request)));
    ensureEqual(
      answers.map((a) => a.status).sort(),
      [200, 409, 409, 409, 409],
      'the statuses of the five answers',
    );
    const listed = await ok<{ steps: Step[] }>(baseUrl, get(steps));
    ensureEqual(listed.steps.length, 2, 'steps of the task (the paused one and the one answer)');
  },
};

/** Client-executed functions across a restart and under retries. */
export const clientFunctionScenarios: Scenario[] = [restartWhileCalling, concurrentResults];
