import type { Step, Task } from '@agent-protocol/core';
import { post, TASKS } from '../cases/requests.js';
import { send } from '../send.js';
import { ensure, ensureEqual, ensureSuccess, ok, type Scenario } from './scenario.js';

interface StepsPage {
  steps: Step[];
  pagination: { total_items: number };
}

/**
 * What can honestly be asserted over HTTP: requests on separate connections have no arrival order
 * a client can observe, so the fixture asserts that the server applied them one at a time (the
 * agent saw no overlap), lost and duplicated none, and lists them in the order it applied them.
 */
function concurrentSteps(count: number, delayMs: number): Scenario {
  return {
    name: `${count} steps fired at once on one task (each taking ${delayMs} ms): applied one at a time, none lost, listed in the order applied`,
    async run({ baseUrl }) {
      const task = await ok<Task>(
        baseUrl,
        post(TASKS, { input: 'concurrency', additional_input: { delay_ms: delayMs } }),
      );
      const stepsPath = `${TASKS}/${task.task_id}/steps`;
      const inputs = Array.from({ length: count }, (_, i) => `s${i + 1}`);
      // Started one after the other, not awaited: all are in flight together.
      const pending = inputs.map((input) => send(baseUrl, post(stepsPath, { input })));
      const responses = await Promise.all(pending);

      const steps = responses.map((observed, i) => {
        ensureSuccess(observed, post(stepsPath, { input: inputs[i] }));
        return observed.json as Step;
      });
      steps.forEach((step, i) => {
        ensureEqual(
          [step.input, step.status],
          [inputs[i], 'completed'],
          `response ${i + 1}: input and status`,
        );
        const seen = step.additional_output as { in_flight: number; step_index: number };
        ensure(
          seen.in_flight === 1,
          `step ${step.input} ran while ${seen.in_flight - 1} other step(s) of its task were running`,
        );
      });
      const byIndex = [...steps].sort(
        (a, b) =>
          (a.additional_output!.step_index as number) - (b.additional_output!.step_index as number),
      );
      ensureEqual(
        byIndex.map((s) => s.additional_output!.step_index),
        inputs.map((_, i) => i + 1),
        'the order the agent ran the steps in (step_index) has no gap and no repeat',
      );

      const listed = await ok<StepsPage>(baseUrl, {
        method: 'GET',
        path: stepsPath,
        query: { page_size: '100' },
      });
      ensureEqual(listed.pagination.total_items, count, 'total_items after the burst');
      const ids = listed.steps.map((s) => s.step_id);
      ensureEqual(new Set(ids).size, count, 'distinct step ids in the list');
      ensureEqual(
        ids,
        byIndex.map((s) => s.step_id),
        'list order is the order the steps were applied',
      );
      ensureEqual(
        listed.steps,
        byIndex,
        'each listed step is exactly the step its response returned',
      );
    },
  };
}

const concurrentTasks: Scenario = {
  name: '10 tasks created at once: all created, all listed once',
  async run({ baseUrl }) {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(baseUrl, post(TASKS, { input: `t${i + 1}` }))),
    );
    const ids = responses.map((observed) => {
      ensureSuccess(observed, post(TASKS));
      return (observed.json as Task).task_id;
    });
    const listed = await ok<{ tasks: Task[]; pagination: { total_items: number } }>(baseUrl, {
      method: 'GET',
      path: TASKS,
      query: { page_size: '100' },
    });
    ensureEqual(listed.pagination.total_items, 10, 'total_items');
    ensureEqual(
      [...listed.tasks.map((t) => t.task_id)].sort(),
      [...ids].sort(),
      'the listed tasks are the created ones',
    );
  },
};

/** The concurrency table: bursts of requests at once. */
export const concurrencyScenarios: Scenario[] = [
  concurrentSteps(10, 0),
  concurrentSteps(10, 20),
  concurrentSteps(25, 2),
  concurrentTasks,
];
