import { exactly, rejects } from './assert.js';
import { step, task } from './records.js';
import type { StoreCheck } from './types.js';

const event = (stepId: string, id: number, name: string) => ({
  step_id: stepId,
  id,
  event: name,
  data: JSON.stringify({ id }),
});

export const eventChecks: StoreCheck[] = [
  {
    name: 'appends step events with the step’s writes and reads those after an id, in order',
    async run(open) {
      const store = await open();
      await store.insertTask(task('t'));
      await store.insertStep(step('t', 'run', 'running'), [], [event('run', 1, 'step.created')]);
      await store.appendStepEvents([
        event('run', 2, 'step.running'),
        event('run', 3, 'output.delta'),
      ]);
      await store.appendStepEvents([]);
      await store.updateStep(
        step('t', 'run', 'completed'),
        [],
        [event('run', 4, 'step.completed')],
      );
      exactly(await store.stepEvents('run', 0), [
        event('run', 1, 'step.created'),
        event('run', 2, 'step.running'),
        event('run', 3, 'output.delta'),
        event('run', 4, 'step.completed'),
      ]);
      exactly(
        (await store.stepEvents('run', 2)).map((e) => e.id),
        [3, 4],
      );
      exactly(await store.stepEvents('other', 0), []);
      // An event id is written once: a second write of it fails and writes nothing.
      await rejects(store.appendStepEvents([event('run', 5, 'x'), event('run', 4, 'again')]));
      exactly(
        (await store.stepEvents('run', 3)).map((e) => e.event),
        ['step.completed'],
      );
    },
  },
];
