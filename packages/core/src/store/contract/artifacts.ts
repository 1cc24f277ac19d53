import { exactly, same } from './assert.js';
import { artifact, step, task } from './records.js';
import type { StoreCheck } from './types.js';

const ids = (byKey: Map<string, { artifact_id: string }[]>) =>
  [...byKey.entries()].map(([key, list]) => [key, list.map((a) => a.artifact_id)]);

export const artifactChecks: StoreCheck[] = [
  {
    name: 'keeps every field of an artifact, sizes past 2 GiB included',
    async run(open) {
      const store = await open();
      await store.insertTask(task('t'));
      const big = { ...artifact('big', 't'), size: 5 * 1024 ** 3, relative_path: 'out/dir' };
      await store.insertArtifact(big);
      same(await store.getArtifact('t', 'big'), big);
    },
  },
  {
    name: 'reads the artifacts of a page of tasks in one call, each under its task, in order',
    async run(open) {
      const store = await open();
      for (const id of ['t1', 't2', 't3']) await store.insertTask(task(id));
      for (const [id, t] of [
        ['a1', 't1'],
        ['a2', 't3'],
        ['a3', 't1'],
      ] as const)
        await store.insertArtifact(artifact(id, t));
      exactly(ids(await store.artifactsOfTasks(['t1', 't2', 't3'])), [
        ['t1', ['a1', 'a3']],
        ['t2', []],
        ['t3', ['a2']],
      ]);
      exactly(await store.artifactsOfTasks([]), new Map());
    },
  },
  {
    name: 'reads the artifacts of a page of steps in one call, each under its step, in order',
    async run(open) {
      const store = await open();
      await store.insertTask(task('t'));
      await store.insertStep(step('t', 's1', 'completed'), [
        artifact('a1', 't', 's1'),
        artifact('a2', 't', 's1'),
      ]);
      await store.insertStep(step('t', 's2', 'completed'));
      await store.insertStep(step('t', 's3', 'running'));
      await store.updateStep(step('t', 's3', 'completed'), [artifact('a3', 't', 's3')]);
      exactly(ids(await store.artifactsOfSteps(['s1', 's2', 's3'])), [
        ['s1', ['a1', 'a2']],
        ['s2', []],
        ['s3', ['a3']],
      ]);
      exactly(await store.artifactsOfSteps([]), new Map());
    },
  },
];
