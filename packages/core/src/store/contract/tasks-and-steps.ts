import type { StepRecord, TaskRecord } from '../types.js';
import { exactly, is, rejects, same } from './assert.js';
import { artifact, fullStep, step, task } from './records.js';
import type { StoreCheck } from './types.js';

export const taskAndStepChecks: StoreCheck[] = [
  {
    name: 'round-trips every field of tasks and steps, undefined and null as given',
    async run(open) {
      const store = await open();
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
      same(await store.getTask('alice', 't'), full);
      same(await store.getTask('alice', 'bare'), bare);
      is(await store.getTask('bob', 't'), undefined, "another owner's task is not found");

      const completed = fullStep('t', 's1');
      const running: StepRecord = { ...step('t', 's2', 'running'), owner: 'alice' };
      await store.insertStep(completed);
      await store.insertStep(running);
      same(await store.getStep('t', 's1'), completed);
      // Optional fields left out stay out (not null): the wire omits them.
      const read = (await store.getStep('t', 's2'))!;
      for (const field of ['outcome', 'error', 'pause', 'declined'] as const) {
        is(read[field], undefined, `${field} left out is read back undefined`);
      }
      is(read.additional_output, null);
      is(read.name, null);
      same((await store.listSteps('t', { page: 1, size: 10 })).items, [completed, running]);
      same(await store.lastStep('t'), completed);
      same(await store.unfinishedSteps(), [running]);

      // A step moving on is rewritten whole: fields set before and left out now are gone.
      const done: StepRecord = { ...running, status: 'completed', outcome: 'succeeded' };
      await store.updateStep(done);
      same(await store.getStep('t', 's2'), done);
      same(await store.lastStep('t'), done);
      same(await store.unfinishedSteps(), []);
      is(await store.getStep('other', 's2'), undefined);
    },
  },
  {
    name: 'pages tasks per owner with correct totals, beyond the end too, without gaps',
    async run(open) {
      const store = await open();
      for (let i = 1; i <= 25; i++) await store.insertTask(task(`t${i}`));
      await store.insertTask(task('other', 'bob'));
      const first = await store.listTasks('alice', { page: 1, size: 10 });
      is(first.total, 25);
      exactly(
        first.items.map((t) => t.task_id),
        Array.from({ length: 10 }, (_, i) => `t${i + 1}`),
      );
      const last = await store.listTasks('alice', { page: 3, size: 10 });
      exactly(
        last.items.map((t) => t.task_id),
        ['t21', 't22', 't23', 't24', 't25'],
      );
      exactly(await store.listTasks('alice', { page: 4, size: 10 }), { items: [], total: 25 });
      exactly(await store.listTasks('nobody', { page: 1, size: 10 }), { items: [], total: 0 });
      exactly(
        (await store.listTasks('bob', { page: 1, size: 10 })).items.map((t) => t.task_id),
        ['other'],
      );
      is(await store.getTask('bob', 't1'), undefined);
      // A refused insert (the same id again) takes no place: the next task follows without a gap.
      await rejects(store.insertTask(task('t1')));
      await store.insertTask(task('t26'));
      const tail = await store.listTasks('alice', { page: 13, size: 2 });
      is(tail.total, 26);
      exactly(
        tail.items.map((t) => t.task_id),
        ['t25', 't26'],
      );
    },
  },
  {
    name: 'records a step and its artifacts together, in order, without gaps, and pages both',
    async run(open) {
      const store = await open();
      await store.insertTask(task('t'), [artifact('upload', 't')]);
      await store.insertStep({ ...step('t', 's1'), status: 'completed', output: 'done' }, [
        artifact('a1', 't', 's1'),
        artifact('a2', 't', 's1'),
      ]);
      for (let i = 2; i <= 12; i++) await store.insertStep(step('t', `s${i}`, 'completed'));
      const a3 = artifact('a3', 't');
      await store.insertArtifact(a3);
      const steps = await store.listSteps('t', { page: 2, size: 5 });
      is(steps.total, 12);
      exactly(
        steps.items.map((s) => s.step_id),
        ['s6', 's7', 's8', 's9', 's10'],
      );
      exactly(await store.listSteps('t', { page: 4, size: 5 }), { items: [], total: 12 });
      exactly(await store.listSteps('missing', { page: 1, size: 5 }), { items: [], total: 0 });
      is((await store.getStep('t', 's1'))?.output, 'done');
      const artifacts = await store.listArtifacts('t', { page: 1, size: 3 });
      is(artifacts.total, 4);
      exactly(
        artifacts.items.map((a) => a.artifact_id),
        ['upload', 'a1', 'a2'],
      );
      same((await store.listArtifacts('t', { page: 2, size: 3 })).items, [a3]);
      is(await store.getArtifact('other', 'a1'), undefined);
      exactly(
        (await store.artifactsOfTask('t')).map((a) => a.artifact_id),
        ['upload', 'a1', 'a2', 'a3'],
      );
      exactly(
        (await store.artifactsOfStep('s1')).map((a) => a.artifact_id),
        ['a1', 'a2'],
      );
      is((await store.lastStep('t'))?.step_id, 's12');
      // A step of a task that is not stored is refused, and takes nothing with it.
      await rejects(store.insertStep(step('missing', 'x'), [artifact('ax', 'missing', 'x')]));
      is(await store.getArtifact('missing', 'ax'), undefined);
    },
  },
  {
    name: 'lists the unfinished steps a restart resumes, each task’s together and in order',
    async run(open) {
      const store = await open();
      await store.insertTask(task('b'));
      await store.insertTask(task('a'));
      await store.insertStep(step('b', 'b1', 'running'));
      await store.insertStep(step('a', 'a1', 'completed'));
      await store.insertStep(step('b', 'b2', 'created'));
      await store.insertStep(step('a', 'a2', 'created'));
      const unfinished = (await store.unfinishedSteps()).map((s) => `${s.step_id} ${s.status}`);
      exactly([...unfinished].sort(), ['a2 created', 'b1 running', 'b2 created']);
      const b = unfinished.indexOf('b1 running');
      is(unfinished[b + 1], 'b2 created', "a task's unfinished steps come together, in order");
      // The step before the next one to run is the last completed one.
      is((await store.lastStep('a'))?.step_id, 'a1');
      is(await store.lastStep('b'), undefined);
    },
  },
];
