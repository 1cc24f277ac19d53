import {
  ANONYMOUS,
  type Artifact,
  type CreateArtifactInput,
  type HandlerContext,
  type Principal,
  type StepResult,
} from '@agent-protocol/core';
import { describe, expect, it } from 'vitest';
import { createReferenceAgent, LEAK_MARKER } from '../src/index.js';

const defaults = { greeting: 'Hello', verbosity: 'normal', delay_ms: 0 };

/**
 * A handler context with only what the reference agent uses (principal, config, artifacts): the
 * core's context grows, and this test is about the agent, not about it.
 */
const context = (ctx: Pick<HandlerContext, 'principal' | 'config' | 'artifacts'>) =>
  ctx as HandlerContext;

/** Runs one step of a fresh reference agent directly, recording the artifacts it creates. */
async function step(
  input: string | null,
  config: Record<string, unknown> = {},
  created: CreateArtifactInput[] = [],
  principal: Principal = ANONYMOUS,
) {
  const taskId = 't';
  const agent = createReferenceAgent();
  const task = { task_id: taskId, input: null, artifacts: [] };
  const result = (await agent.onStep({
    task,
    step: { task_id: taskId, step_id: 's', status: 'running', artifacts: [], is_last: false },
    input,
    additional_input: undefined,
    ctx: context({
      principal,
      config: { ...defaults, ...config },
      artifacts: {
        create: async (a) => {
          created.push(a);
          return { artifact_id: 'a', agent_created: true, file_name: a.fileName } as Artifact;
        },
      },
    }),
  })) as StepResult;
  return { result, created };
}

describe('reference agent', () => {
  it.each([
    ["write 'Washington' to file 'out.txt'", 'Washington', 'out.txt', null],
    ['Write "two words" to the file "a/b/c.md".', 'two words', 'c.md', 'a/b'],
    ["WRITE '' TO FILE 'empty.txt'", '', 'empty.txt', null],
  ])('%s → an artifact', async (input, data, fileName, relativePath) => {
    const { result, created } = await step(input);
    expect(created).toEqual([{ fileName, relativePath, data }]);
    expect(result.name).toBe('write_file');
    expect(result.is_last).toBeFalsy();
  });

  it('finishes on "finish"', async () => {
    expect((await step(' Finish ')).result).toMatchObject({
      is_last: true,
      output: 'Hello. Done.',
    });
  });

  it.each([
    ['hi', {}, 'Hello. You said: hi'],
    [null, {}, 'Hello. You said nothing.'],
    ['', {}, 'Hello. You said nothing.'],
    ['hi', { greeting: 'Yo' }, 'Yo. You said: hi'],
    ['hi', { verbosity: 'quiet' }, 'You said: hi'],
    ['hi', { verbosity: 'loud' }, 'HELLO. YOU SAID: HI'],
  ])('echoes %j with %j', async (input, config, output) => {
    expect((await step(input, config)).result.output).toBe(output);
  });

  it('tells "whoami" the principal the server handed it', async () => {
    expect((await step(' WhoAmI ')).result).toMatchObject({
      name: 'whoami',
      output: 'Hello. You are anonymous.',
    });
    const alice = { id: 'alice', claims: {} };
    expect((await step('whoami', { verbosity: 'quiet' }, [], alice)).result.output).toBe(
      'You are alice.',
    );
  });

  it('throws on "fail" and "raise", with the marker no server may leak', async () => {
    await expect(step('fail')).rejects.toThrow(LEAK_MARKER);
    await expect(step('RAISE')).rejects.toThrow(LEAK_MARKER);
  });

  it('writes, then throws, on "... and fail"', async () => {
    const created: CreateArtifactInput[] = [];
    await expect(step("write 'x' to file 'x.txt' and fail", {}, created)).rejects.toThrow(
      LEAK_MARKER,
    );
    expect(created).toEqual([{ fileName: 'x.txt', relativePath: null, data: 'x' }]);
  });

  it('counts the steps of a task and the ones running at once', async () => {
    const agent = createReferenceAgent();
    const ctx = context({
      principal: ANONYMOUS,
      config: { ...defaults, delay_ms: 5 },
      artifacts: { create: async () => ({}) as Artifact },
    });
    const run = (taskId: string) =>
      agent.onStep({
        task: { task_id: taskId, artifacts: [] },
        step: { task_id: taskId, step_id: 's', status: 'running', artifacts: [], is_last: false },
        input: 'x',
        additional_input: undefined,
        ctx,
      });
    const [a, b] = await Promise.all([run('t1'), run('t1')]);
    const c = await run('t2');
    expect([a.additional_output, b.additional_output, c.additional_output]).toEqual([
      { step_index: 1, in_flight: 1 },
      { step_index: 2, in_flight: 2 },
      { step_index: 1, in_flight: 1 },
    ]);
  });
});
