import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthOptions, Step, Task } from '@agent-protocol/core';
import { secretsOf } from '../auth-group.js';
import { check } from '../check.js';
import { BEARER_TOKENS } from '../cases/auth-bearer.js';
import { bearer } from '../cases/auth-shared.js';
import { get, post, TASKS } from '../cases/requests.js';
import { error } from '../shapes.js';
import { caller, ensure, ensureEqual, ensureSuccess, type Scenario } from './scenario.js';

const auth: AuthOptions = {
  strategy: 'bearer',
  tokens: { [BEARER_TOKENS.alice]: 'alice', [BEARER_TOKENS.bob]: 'bob' },
  maxConcurrentStepsPerPrincipal: 1,
};

/**
 * `maxConcurrentStepsPerPrincipal: 1` (seed 003's "one task running per token"): while one of
 * alice's steps runs (the reference agent's `delay_ms` keeps it running), her next step is a 429
 * with `Retry-After` and is not recorded; bob is not held back by alice's limit; once her step
 * is done, she may run the next.
 */
export const stepLimitScenario: Scenario = {
  name: 'one step at a time per principal: a second one is 429 with Retry-After, other principals are not held back',
  auth,
  async run({ baseUrl }) {
    const secrets = secretsOf(auth);
    const alice = caller(baseUrl, bearer(BEARER_TOKENS.alice), secrets);
    const bob = caller(baseUrl, bearer(BEARER_TOKENS.bob), secrets);
    const slow = await alice.ok<Task>(
      post(TASKS, { input: 'slow', additional_input: { delay_ms: 3000 } }),
    );
    const other = await alice.ok<Task>(post(TASKS, { input: 'other' }));
    const bobs = await bob.ok<Task>(post(TASKS, { input: 'bob' }));
    const otherSteps = `${TASKS}/${other.task_id}/steps`;

    const running = alice.send(post(`${TASKS}/${slow.task_id}/steps`, { input: 'take your time' }));
    // A synchronous step is recorded only once it completes, so nothing shows it running: give
    // the request time to reach the agent, well inside its 3 s delay.
    await sleep(500);

    const refused = await alice.send(post(otherSteps, { input: 'me too' }));
    const problems = check(refused, {
      status: 429,
      // Delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
      headers: {
        'retry-after': /^(\d+|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)$/,
      },
      json: error('too_many_requests'),
    });
    ensure(problems.length === 0, `alice's second step while one runs: ${problems.join('; ')}`);

    const meanwhile = await bob.send(
      post(`${TASKS}/${bobs.task_id}/steps`, { input: 'bob meanwhile' }),
    );
    ensure(
      meanwhile.status === 200,
      `bob's step while alice's runs: expected 200, got ${meanwhile.status}`,
    );

    const first = await running;
    ensureSuccess(first, post(`${TASKS}/${slow.task_id}/steps`));
    await alice.ok(post(otherSteps, { input: 'now' }));
    const listed = await alice.ok<{ steps: Step[] }>(get(otherSteps));
    ensureEqual(
      listed.steps.map((s) => s.input),
      ['now'],
      'the steps of the task whose step was refused (the refused one is not recorded)',
    );
  },
};
