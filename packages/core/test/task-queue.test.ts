import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { KeyedQueue } from '../src/task-queue.js';

it('runs work for one key one at a time in arrival order, and other keys in parallel', async () => {
  const queue = new KeyedQueue();
  const log: string[] = [];
  const job = (key: string, name: string, ms: number) =>
    queue.run(key, async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      if (name === 'a2') throw new Error('fails');
      return name;
    });
  const results = await Promise.allSettled([
    job('a', 'a1', 30),
    job('a', 'a2', 5),
    job('a', 'a3', 1),
    job('b', 'b1', 1),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const a = log.filter((l) => l.includes(' a'));
  expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
});
