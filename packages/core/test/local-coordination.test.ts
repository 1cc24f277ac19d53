import { describe, expect, it } from 'vitest';
import { AgentProtocolError } from '../src/errors.js';
import { LocalCoordination } from '../src/coordination/local.js';
import { MemoryStore } from '../src/store/memory.js';

const request = (task: string, step: string, owner = 'alice') => ({
  task_id: task,
  step_id: step,
  owner,
});

it('gives turns of one task in the order taken, one at a time; other tasks are not held back', async () => {
  const coordination = new LocalCoordination(new MemoryStore());
  const log: string[] = [];
  const a1 = await coordination.reserve(request('a', 'a1'), undefined);
  const a2 = await coordination.reserve(request('a', 'a2'), undefined);
  const b1 = await coordination.reserve(request('b', 'b1'), undefined);
  expect([a1.first, a2.first, b1.first]).toEqual([true, false, true]);
  const second = a2.ready().then(() => log.push('a2'));
  await b1.ready().then(() => log.push('b1'));
  await a1.ready().then(() => log.push('a1'));
  await new Promise((resolve) => setImmediate(resolve));
  expect(log).toEqual(['b1', 'a1']);
  await a1.release();
  await second;
  expect(log).toEqual(['b1', 'a1', 'a2']);
  const a3 = await coordination.reserve(request('a', 'a3'), undefined);
  expect(a3.first).toBe(false);
  await a2.release();
  await a3.ready();
});

it('refuses a principal over its limit with a 429 and takes nothing; a released place is free again', async () => {
  const coordination = new LocalCoordination(new MemoryStore());
  const first = await coordination.reserve(request('a', 's1'), 1);
  const refused = await coordination.reserve(request('b', 's2'), 1).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(AgentProtocolError);
  expect((refused as AgentProtocolError).status).toBe(429);
  expect((refused as AgentProtocolError).headers['retry-after']).toBe('1');
  // Another principal is not held back, and the refused request took no place in task b.
  expect((await coordination.reserve(request('b', 's3', 'bob'), 1)).first).toBe(true);
  await first.release();
  await first.release();
  const again = await coordination.reserve(request('c', 's4'), 1);
  expect(again.first).toBe(true);
});

describe('exclusive', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('runs work of one key one at a time, in the order called; other keys at once', async () => {
    const coordination = new LocalCoordination(new MemoryStore());
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const work = (name: string) => async () => {
      log.push(`${name} in`);
      await new Promise<void>((resolve) => gates.set(name, resolve));
      log.push(`${name} out`);
      return name;
    };
    const a1 = coordination.exclusive('a', work('a1'));
    const a2 = coordination.exclusive('a', work('a2'));
    const b1 = coordination.exclusive('b', work('b1'));
    await tick();
    expect(log).toEqual(['a1 in', 'b1 in']);
    gates.get('a1')!();
    expect(await a1).toBe('a1');
    await tick();
    expect(log).toEqual(['a1 in', 'b1 in', 'a1 out', 'a2 in']);
    gates.get('a2')!();
    gates.get('b1')!();
    expect(await Promise.all([a2, b1])).toEqual(['a2', 'b1']);
  });

  it('frees the key when work throws, and rejects with its error', async () => {
    const coordination = new LocalCoordination(new MemoryStore());
    const failure = new Error('the provider is away');
    const failed = coordination.exclusive('a', () => Promise.reject(failure));
    const next = coordination.exclusive('a', async () => 'next');
    await expect(failed).rejects.toBe(failure);
    expect(await next).toBe('next');
    expect(await coordination.exclusive('a', async () => 'again')).toBe('again');
  });
});
