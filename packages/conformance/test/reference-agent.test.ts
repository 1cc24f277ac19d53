import {
  ANONYMOUS,
  FunctionCallError,
  type Artifact,
  type CreateArtifactInput,
  type HandlerContext,
  type Principal,
  type StepResult,
} from '@agent-protocol/core';
import { describe, expect, it } from 'vitest';
import { createReferenceAgent, LEAK_MARKER, REFERENCE_SECRETS } from '../src/index.js';

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
    const run = async (taskId: string) =>
      (await agent.onStep({
        task: { task_id: taskId, artifacts: [] },
        step: { task_id: taskId, step_id: 's', status: 'running', artifacts: [], is_last: false },
        input: 'x',
        additional_input: undefined,
        ctx,
      })) as StepResult;
    const [a, b] = await Promise.all([run('t1'), run('t1')]);
    const c = await run('t2');
    expect([a.additional_output, b.additional_output, c.additional_output]).toEqual([
      { step_index: 1, in_flight: 1 },
      { step_index: 2, in_flight: 2 },
      { step_index: 1, in_flight: 1 },
    ]);
  });
});

/** Thrown by the fake context where the core would pause the step. */
class Paused extends Error {}

/**
 * Runs one step with a context that holds `stored` secrets and answers function calls with
 * `outcome` (what the client sent back), recording what the agent asked for and logged.
 */
async function pausing(
  input: string,
  options: {
    stored?: Record<string, string>;
    optedIn?: string[];
    outcome?: (name: string) => unknown;
  } = {},
) {
  const demanded: unknown[] = [];
  const calls: [string, unknown][] = [];
  const logged: string[] = [];
  const ctx = {
    principal: ANONYMOUS,
    config: defaults,
    log: { info: (m: string) => logged.push(m), error: () => undefined },
    secrets: {
      get: async (key: string) => options.stored?.[key],
      require: async (...keys: (string | { key: string })[]) => {
        const wanted = keys.map((k) => (typeof k === 'string' ? k : k.key));
        const missing = wanted.filter((k) => options.stored?.[k] === undefined);
        if (missing.length > 0) {
          demanded.push(...keys);
          throw new Paused();
        }
        return Object.fromEntries(wanted.map((k) => [k, options.stored![k]!]));
      },
    },
    functions: {
      available: (name: string) => (options.optedIn ?? []).includes(name),
      call: async (name: string, args: unknown) => {
        calls.push([name, args]);
        if (!options.outcome) throw new Paused();
        return options.outcome(name);
      },
    },
  } as unknown as HandlerContext;
  const agent = createReferenceAgent();
  const task = { task_id: 't', artifacts: [] };
  const step = {
    task_id: 't',
    step_id: 's',
    status: 'running' as const,
    artifacts: [],
    is_last: false,
  };
  let result: StepResult | undefined;
  let paused = false;
  try {
    result = (await agent.onStep({
      task,
      step,
      input,
      additional_input: undefined,
      ctx,
    })) as StepResult;
  } catch (error) {
    if (!(error instanceof Paused)) throw error;
    paused = true;
  }
  return { result, paused, demanded, calls, logged };
}

describe('reference agent: secrets', () => {
  it('declares REFERENCE_API_KEY and demands it by key, so the core uses the declaration', async () => {
    expect(createReferenceAgent().secrets).toEqual(REFERENCE_SECRETS);
    const run = await pausing('use secret REFERENCE_API_KEY');
    expect(run).toMatchObject({ paused: true, demanded: ['REFERENCE_API_KEY'] });
  });

  it('demands an undeclared key with a name and description of its own', async () => {
    const run = await pausing('Use Secret my.key-1');
    expect(run.demanded).toEqual([
      {
        key: 'my.key-1',
        name: 'my.key-1',
        description: 'The secret my.key-1, asked for by "use secret my.key-1".',
      },
    ]);
  });

  it('says a stored secret is available with its length in code points, and logs the value', async () => {
    const run = await pausing('use secret K', { stored: { K: 'a🔑b' } });
    expect(run.result).toMatchObject({
      name: 'use_secret',
      output: 'Hello. Secret K is available (3 characters).',
    });
    expect(run.result!.output).not.toContain('a🔑b');
    expect(run.logged).toEqual(['use secret K: the value is a🔑b']);
  });

  it('does not take "constructor" for a declared key', async () => {
    const run = await pausing('use secret constructor');
    expect(run.demanded).toEqual([
      expect.objectContaining({ key: 'constructor', name: 'constructor' }),
    ]);
  });

  it('answers a key no secret can have, without demanding it', async () => {
    const run = await pausing('use secret 9lives');
    expect(run).toMatchObject({ paused: false, demanded: [] });
    expect(run.result!.output).toBe("Hello. '9lives' is not a valid secret key.");
  });

  it('throws on "use secret K and fail" once the value is there, quoting it (for the log checks)', async () => {
    await expect(pausing('use secret K and fail', { stored: { K: 'v4lue' } })).rejects.toThrow(
      /v4lue.*REFERENCE-AGENT-INTERNAL-DETAIL/,
    );
    expect((await pausing('use secret K and fail')).demanded).toEqual([
      expect.objectContaining({ key: 'K' }),
    ]);
  });
});

describe('reference agent: client functions', () => {
  const email = 'call send_email {"to": "a@b.c", "subject": "hi"}';

  it('declares send_email and get_time', () => {
    expect(createReferenceAgent().clientFunctions?.map((f) => f.name)).toEqual([
      'send_email',
      'get_time',
    ]);
  });

  it('calls an opted-in function with the parsed arguments ({} when none)', async () => {
    const run = await pausing(email, { optedIn: ['send_email'] });
    expect(run).toMatchObject({
      paused: true,
      calls: [['send_email', { to: 'a@b.c', subject: 'hi' }]],
    });
    expect((await pausing('CALL get_time', { optedIn: ['get_time'] })).calls).toEqual([
      ['get_time', {}],
    ]);
  });

  it('says what the function returned, as JSON', async () => {
    const run = await pausing(email, { optedIn: ['send_email'], outcome: () => ({ id: 1 }) });
    expect(run.result).toMatchObject({
      name: 'call_function',
      output: 'Hello. send_email returned {"id":1}.',
    });
  });

  it('says the user refused, or the client failed with its error', async () => {
    const refused = await pausing(email, {
      optedIn: ['send_email'],
      outcome: (name) => {
        throw new FunctionCallError(name, 'refused', 'The user refused.');
      },
    });
    expect(refused.result!.output).toBe('Hello. The user refused to run send_email.');
    const failed = await pausing(email, {
      optedIn: ['send_email'],
      outcome: (name) => {
        throw new FunctionCallError(name, 'error', `${name} failed on the client: SMTP down`);
      },
    });
    expect(failed.result!.output).toBe('Hello. send_email failed on the client: SMTP down');
  });

  it.each([
    [email, [], 'This task did not opt in to send_email, so the client cannot be asked to run it.'],
    ['call nope {}', ['send_email'], 'nope is not a function this agent declares.'],
    [
      'call send_email {to:',
      ['send_email'],
      'Cannot call send_email: the arguments are not valid JSON.',
    ],
    [
      'call send_email 42',
      ['send_email'],
      'Cannot call send_email: the arguments must be a JSON object.',
    ],
    [
      'call send_email {"to": "x"}',
      ['send_email'],
      "Cannot call send_email: 'subject' is required.",
    ],
    [
      'call send_email {"to": "x", "subject": 1}',
      ['send_email'],
      "Cannot call send_email: 'subject' must be a string.",
    ],
    [
      'call get_time {"tz": "UTC"}',
      ['get_time'],
      "Cannot call get_time: 'tz' is not one of its parameters.",
    ],
  ])('%s (opted in: %j) → no call: %s', async (input, optedIn, output) => {
    const run = await pausing(input, { optedIn });
    expect(run.calls).toEqual([]);
    expect(run.result!.output).toBe(`Hello. ${output}`);
  });
});
