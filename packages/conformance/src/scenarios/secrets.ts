import type { Step, Task } from '@agent-protocol/core';
import type { CaseRequest } from '../case.js';
import { encodedForms } from '../check.js';
import { post, SECRETS, storeSecret, TASKS } from '../cases/requests.js';
import { available, DECLARED_KEY } from '../cases/secrets.js';
import type { Harness } from '../server.js';
import { tracesIn } from '../traces.js';
import { caller, ensure, ensureEqual, type Caller, type Scenario } from './scenario.js';

interface SecretKey {
  secret_id: string;
  secret_key: string;
  created_at: string;
  updated_at: string;
}
interface SecretsPage {
  secret_keys: SecretKey[];
  pagination: { total_items: number; total_pages: number; current_page: number; page_size: number };
}

const get = (path: string, query?: Record<string, string>): CaseRequest => ({
  method: 'GET',
  path,
  query,
});
const page = (current: number, size: number) =>
  get(SECRETS, { current_page: String(current), page_size: String(size) });

/** A caller with no credentials whose every response is checked for these values, in every form. */
const anonymous = (baseUrl: string, values: string[]) =>
  caller(baseUrl, {}, values.flatMap(encodedForms));

/** Creates a task and runs `use secret <key>` on it; returns the step. */
async function useOnNewTask(who: Caller, key: string): Promise<Step> {
  const task = await who.ok<Task>(post(TASKS, { input: `uses ${key}` }));
  return who.ok<Step>(post(`${TASKS}/${task.task_id}/steps`, { input: `use secret ${key}` }));
}

/** Reads every page of the secret keys at `size` per page, checking each page's pagination. */
async function allPages(who: Caller, size: number, total: number): Promise<SecretKey[]> {
  const pages = Math.ceil(total / size);
  const seen: SecretKey[] = [];
  for (let current = 1; current <= pages + 1; current++) {
    const listed = await who.ok<SecretsPage>(page(current, size));
    const expected = current <= pages ? Math.min(size, total - (current - 1) * size) : 0;
    ensureEqual(
      [listed.secret_keys.length, listed.pagination],
      [
        expected,
        { total_items: total, total_pages: pages, current_page: current, page_size: size },
      ],
      `page ${current} at page_size=${size}: its length and pagination`,
    );
    seen.push(...listed.secret_keys);
  }
  return seen;
}

const KEYS = ['PAGE_A', 'PAGE_B', 'PAGE_C', 'PAGE_D', 'PAGE_E', 'PAGE_F', 'PAGE_G'];
const pageValue = (key: string) => `sv-page-${key.toLowerCase()}-Hq4Tn8`;

/**
 * Seven secrets paged three by three: every key on exactly one page, pages in one order that
 * reading again (and updating a value in place) does not change, and the same order as the
 * one-page list; a revoked key drops out and the pages close up.
 */
const pagination: Scenario = {
  name: 'secret keys page by page: each key on exactly one page, in one stable order; a revoked key drops out',
  async run({ baseUrl }) {
    const who = anonymous(baseUrl, KEYS.map(pageValue));
    const stored = new Map<string, string>();
    for (const key of KEYS) {
      const secret = await who.ok<SecretKey>(storeSecret(key, pageValue(key)));
      stored.set(secret.secret_id, key);
    }
    const paged = await allPages(who, 3, KEYS.length);
    ensureEqual(
      paged.map((s) => stored.get(s.secret_id)).sort(),
      [...KEYS].sort(),
      'the keys over all pages (each exactly once, under the id it was stored with)',
    );
    const whole = await who.ok<SecretsPage>(page(1, 100));
    const order = (list: SecretKey[]) => list.map((s) => s.secret_id);
    ensureEqual(order(whole.secret_keys), order(paged), 'one page of 100 vs. the pages of 3');
    ensureEqual(order(await allPages(who, 3, KEYS.length)), order(paged), 'the pages read again');

    const before = paged.find((p) => p.secret_key === 'PAGE_B')!;
    const updated = await who.ok<SecretKey>(
      storeSecret('PAGE_B', `${pageValue('PAGE_B')}-updated`),
    );
    ensureEqual(
      [updated.secret_id, updated.created_at],
      [before.secret_id, before.created_at],
      'PAGE_B updated in place: its id and created_at',
    );
    ensure(
      Date.parse(updated.updated_at) >= Date.parse(before.updated_at),
      `PAGE_B's updated_at went back in time: ${before.updated_at} → ${updated.updated_at}`,
    );
    ensureEqual(
      order(await allPages(who, 3, KEYS.length)),
      order(paged),
      'the pages after a value was updated in place',
    );

    const revoked = paged[3]!;
    const gone = await who.send({ method: 'DELETE', path: `${SECRETS}/${revoked.secret_id}` });
    ensure(gone.status === 204, `revoking ${revoked.secret_key}: expected 204, got ${gone.status}`);
    ensureEqual(
      order(await allPages(who, 3, KEYS.length - 1)),
      order(paged).filter((id) => id !== revoked.secret_id),
      `the pages after revoking ${revoked.secret_key}`,
    );
  },
};

const concurrentValue = (i: number) => `sv-concurrent-${'Q'.repeat(i + 1)}-Vd7Ne3`;

/**
 * Ten stores of one key at once (a double-clicked save): each answers 200 with the same
 * secret_id, the list holds one secret, and a step sees one of the ten values.
 */
const concurrentStores: Scenario = {
  name: 'one key stored 10 times at once: one secret (one secret_id), holding one of the values',
  async run({ baseUrl }) {
    const values = Array.from({ length: 10 }, (_, i) => concurrentValue(i));
    const who = anonymous(baseUrl, values);
    const stored = await Promise.all(values.map((v) => who.ok<SecretKey>(storeSecret('RACE', v))));
    ensureEqual(
      new Set(stored.map((s) => s.secret_id)).size,
      1,
      'distinct secret_ids among the ten answers',
    );
    const listed = await who.ok<SecretsPage>(get(SECRETS));
    ensureEqual(
      [listed.secret_keys.map((s) => s.secret_id), listed.pagination.total_items],
      [[stored[0]!.secret_id], 1],
      'the secrets listed after the burst',
    );
    const step = await useOnNewTask(who, 'RACE');
    ensure(
      values.some((v) => step.output === available('RACE', v)),
      `the step sees none of the stored values: ${step.output}`,
    );
  },
};

const RESTART_VALUE = 'sv-restart-Lp3Vx9Qa-declared';
const KEPT_VALUE = 'sv-restart-Bn6Yt2Zs-kept';

/**
 * A step demands a secret; the server restarts; the client stores the secret and sends the next
 * step: the paused work continues. Secrets stored before the restart are still there (same id)
 * and still decrypt.
 */
const restartWhileDemanding: Scenario = {
  name: 'restart while a step waits for a secret: after it, the secret is stored and the next step continues',
  async run(harness) {
    const who = () => anonymous(harness.baseUrl, [RESTART_VALUE, KEPT_VALUE]);
    const kept = await who().ok<SecretKey>(storeSecret('KEPT_KEY', KEPT_VALUE));
    const task = await who().ok<Task>(post(TASKS, { input: 'restart' }));
    const steps = `${TASKS}/${task.task_id}/steps`;
    const paused = await who().ok<Step>(post(steps, { input: `use secret ${DECLARED_KEY}` }));
    ensureEqual(
      paused.secret_demands?.map((d) => (d as { key: string }).key),
      [DECLARED_KEY],
      'the keys the step demands',
    );

    await harness.restart();

    ensureEqual(
      await who().ok(get(`${steps}/${paused.step_id}`)),
      paused,
      'the paused step, read back after the restart',
    );
    const listed = await who().ok<SecretsPage>(get(SECRETS));
    ensureEqual(listed.secret_keys, [kept], 'the secrets stored before the restart');
    await who().ok(storeSecret(DECLARED_KEY, RESTART_VALUE));
    const resumed = await who().ok<Step>(post(steps, {}));
    ensureEqual(
      [resumed.name, resumed.output, resumed.is_last],
      ['use_secret', available(DECLARED_KEY, RESTART_VALUE), false],
      'the step after the restart (name, output, is_last)',
    );
    const later = await useOnNewTask(who(), 'KEPT_KEY');
    ensureEqual(
      later.output,
      available('KEPT_KEY', KEPT_VALUE),
      'a secret stored before the restart, used after it',
    );
  },
};

/** Where a value shows up in the data dir or the log, in any of its forms (named, not quoted). */
async function traces(harness: Harness, values: readonly string[]): Promise<string[]> {
  await harness.dumpStore();
  return tracesIn(harness.dataDir, harness.log, values);
}

const GREP_KEY = 'GREP_API_KEY';
const GREP_VALUES = {
  stored: 'sv-grep-Xy7Qp2Wm5Kd9-ünïcødé',
  updated: 'sv-grep-Rt4Jn8Hc3Fv6-updated',
  revoked: 'sv-grep-Mb2Gs7Lw9Pe4-revoked',
};

/**
 * PROTOCOL.md §4: a value never appears in a response, a log line or the data dir. The server
 * logs through the capturing logger; the reference agent logs every value it uses (the mistake a
 * handler makes), which the server's one logger must mask. Checked while the server runs (SQLite's
 * WAL holds the latest writes) and again after a restart.
 */
const noTrace: Scenario = {
  name: 'a secret value is in no response, no file of the data dir and no log line (plain, base64, hex)',
  captureLog: true,
  async run(harness) {
    const values = Object.values(GREP_VALUES);
    const who = () => anonymous(harness.baseUrl, values);

    const task = await who().ok<Task>(post(TASKS, { input: 'grep' }));
    const steps = `${TASKS}/${task.task_id}/steps`;
    await who().ok(post(steps, { input: `use secret ${GREP_KEY}` }));
    await who().ok(storeSecret(GREP_KEY, GREP_VALUES.stored));
    const resumed = await who().ok<Step>(post(steps, {}));
    ensureEqual(resumed.output, available(GREP_KEY, GREP_VALUES.stored), 'the resumed step');
    await useOnNewTask(who(), GREP_KEY);
    await who().ok(storeSecret(GREP_KEY, GREP_VALUES.updated));
    const updated = await useOnNewTask(who(), GREP_KEY);
    ensureEqual(
      updated.output,
      available(GREP_KEY, GREP_VALUES.updated),
      'the updated value in use',
    );
    const doomed = await who().ok<SecretKey>(storeSecret('REVOKED_KEY', GREP_VALUES.revoked));
    await useOnNewTask(who(), 'REVOKED_KEY');
    await who().send({ method: 'DELETE', path: `${SECRETS}/${doomed.secret_id}` });

    // A handler error quoting the value: the client learns nothing, the log gets it masked.
    const failing = await who().ok<Task>(post(TASKS, { input: 'grep and fail' }));
    const failed = await who().send(
      post(`${TASKS}/${failing.task_id}/steps`, { input: `use secret ${GREP_KEY} and fail` }),
    );
    ensure(
      failed.status === 200 && (failed.json as { outcome?: string }).outcome === 'failed',
      `a handler that throws: expected 200 with outcome failed, got ${failed.status}`,
    );

    // The checks below prove something only if the lines they look in reached the logger.
    const used = harness.log.filter((line) => line.includes(`use secret ${GREP_KEY}:`)).length;
    ensure(
      used >= 4,
      `${used} of the agent's 4 log lines reached the server's logger: did the server get the \`logger\` option?`,
    );
    ensure(
      harness.log.some((line) =>
        line.includes(`failed on purpose (using ${GREP_KEY}, whose value is`),
      ),
      "the handler's error (which quotes the value) is not in the log",
    );
    const running = await traces(harness, values);
    ensureEqual(running, [], 'traces of a secret value while the server runs');

    await harness.restart();
    const after = await useOnNewTask(who(), GREP_KEY);
    ensureEqual(
      after.output,
      available(GREP_KEY, GREP_VALUES.updated),
      'the value after a restart',
    );
    ensureEqual(await traces(harness, values), [], 'traces of a secret value after a restart');
  },
};

/** Secrets that take more than one request: pages, a burst, a restart, the grep for a value. */
export const secretScenarios: Scenario[] = [
  pagination,
  concurrentStores,
  restartWhileDemanding,
  noTrace,
];
