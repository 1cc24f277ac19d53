import type { Artifact, AuthOptions, Step, Task } from '@agent-protocol/core';
import type { CaseRequest } from '../case.js';
import { secretsOf } from '../auth-group.js';
import { API_KEYS } from '../cases/auth-api-key.js';
import { BASIC_USERS } from '../cases/auth-basic.js';
import { BEARER_TOKENS } from '../cases/auth-bearer.js';
import { goodClaims, HS256_SECRET } from '../cases/auth-jwt.js';
import { basicAuth, bearer, type Headers } from '../cases/auth-shared.js';
import { file, post, TASKS, UNKNOWN_ID, upload } from '../cases/requests.js';
import { signJwt } from '../jwt-sign.js';
import type { Observed } from '../send.js';
import { caller, ensure, ensureEqual, type Caller, type Scenario } from './scenario.js';

const all = { page_size: '100' };
const get = (path: string, query?: Record<string, string>): CaseRequest => ({
  method: 'GET',
  path,
  query,
});

/** Everything a principal can read of one task: lists and downloads (bytes included). */
async function readAll(who: Caller, taskId: string) {
  const base = `${TASKS}/${taskId}`;
  const steps = await who.ok<{ steps: Step[] }>(get(`${base}/steps`, all));
  const artifacts = await who.ok<{ artifacts: Artifact[] }>(get(`${base}/artifacts`, all));
  const downloads = [];
  for (const a of artifacts.artifacts) {
    const observed = await who.send(get(`${base}/artifacts/${a.artifact_id}`));
    downloads.push([observed.status, observed.body.toString('base64')]);
  }
  return { task: await who.ok(get(base)), steps, artifacts, downloads };
}

/** A 404 with its ids blanked, to compare with the 404 for an id nobody ever issued. */
const shapeOf = (o: Observed) => ({
  status: o.status,
  body: JSON.stringify(o.json).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<id>'),
});

/**
 * Two principals on one server: alice creates tasks, steps, an upload and an agent-written file;
 * bob gets exactly what he gets for ids nobody issued (404) for every one of them, through every
 * operation, sees none of them in his lists and totals, and changes nothing of hers by trying.
 */
function isolation(label: string, auth: AuthOptions, credentials: () => [Headers, Headers]) {
  const scenario: Scenario = {
    name: `two principals (${label}): neither sees the other's tasks, steps or artifacts`,
    auth,
    async run({ baseUrl }) {
      const [aliceHeaders, bobHeaders] = credentials();
      const secrets = [
        ...secretsOf(auth),
        ...Object.values(aliceHeaders),
        ...Object.values(bobHeaders),
      ];
      const alice = caller(baseUrl, aliceHeaders, secrets);
      const bob = caller(baseUrl, bobHeaders, secrets);

      const first = await alice.ok<Task>(post(TASKS, { input: 'alice one' }));
      const second = await alice.ok<Task>(post(TASKS, { input: 'alice two' }));
      const base = `${TASKS}/${first.task_id}`;
      const step = await alice.ok<Step>(post(`${base}/steps`, { input: 'hi' }));
      const writing = await alice.ok<Step>(
        post(`${base}/steps`, { input: "write 'for alice only' to file 'private/notes.txt'" }),
      );
      const written = writing.artifacts[0];
      ensure(written, 'the write step returned no artifact');
      const uploaded = await alice.ok<Artifact>(
        upload([file('alice upload')], `${base}/artifacts`),
      );
      const before = await readAll(alice, first.task_id);

      const own = await bob.ok<Task>(post(TASKS, { input: 'bob' }));
      const ownBase = `${TASKS}/${own.task_id}`;
      const hers = [
        first.task_id,
        second.task_id,
        step.step_id,
        written.artifact_id,
        uploaded.artifact_id,
      ];
      const attempts: [string, CaseRequest][] = [
        ['get her task', get(base)],
        ['get her other task', get(`${TASKS}/${second.task_id}`)],
        ['list her steps', get(`${base}/steps`)],
        ['get her step', get(`${base}/steps/${step.step_id}`)],
        ['list her artifacts', get(`${base}/artifacts`)],
        ['download her agent-written artifact', get(`${base}/artifacts/${written.artifact_id}`)],
        ['download her upload', get(`${base}/artifacts/${uploaded.artifact_id}`)],
        ['execute a step on her task', post(`${base}/steps`, { input: 'bob was here' })],
        ['upload to her task', upload([file('bob was here')], `${base}/artifacts`)],
        ['get her step through his own task', get(`${ownBase}/steps/${step.step_id}`)],
        [
          'download her artifact through his own task',
          get(`${ownBase}/artifacts/${written.artifact_id}`),
        ],
      ];
      for (const [what, request] of attempts) {
        const observed = await bob.send(request);
        ensure(
          observed.status === 404,
          `bob tried to ${what}: expected 404, got ${observed.status}`,
        );
        // No existence oracle: her ids answer exactly as ids nobody issued.
        let path = request.path;
        for (const id of hers) path = path.replaceAll(id, UNKNOWN_ID);
        const unknown = await bob.send({ ...request, path });
        ensureEqual(
          shapeOf(observed),
          shapeOf(unknown),
          `bob tried to ${what}: 404 as for an unknown id`,
        );
      }

      const bobsTasks = await bob.ok<{ tasks: Task[]; pagination: { total_items: number } }>(
        get(TASKS, all),
      );
      ensureEqual(
        [bobsTasks.tasks.map((t) => t.task_id), bobsTasks.pagination.total_items],
        [[own.task_id], 1],
        "bob's task list and total",
      );
      const bobsSteps = await bob.ok<{ pagination: { total_items: number } }>(
        get(`${ownBase}/steps`, all),
      );
      const bobsFiles = await bob.ok<{ pagination: { total_items: number } }>(
        get(`${ownBase}/artifacts`, all),
      );
      ensureEqual(
        [bobsSteps.pagination.total_items, bobsFiles.pagination.total_items],
        [0, 0],
        "the step and artifact totals of bob's own task",
      );

      const alicesTasks = await alice.ok<{ tasks: Task[]; pagination: { total_items: number } }>(
        get(TASKS, all),
      );
      ensureEqual(
        [alicesTasks.tasks.map((t) => t.task_id), alicesTasks.pagination.total_items],
        [[first.task_id, second.task_id], 2],
        "alice's task list and total",
      );
      ensureEqual(await readAll(alice, first.task_id), before, "alice's task after bob's attempts");
      ensure((await alice.send(get(ownBase))).status === 404, "alice can get bob's task");
    },
  };
  return scenario;
}

const HS256_AUTH: AuthOptions = { strategy: 'jwt', secret: HS256_SECRET };
const jwtFor = (sub: string) => bearer(signJwt('HS256', goodClaims(sub), HS256_SECRET));

/** Isolation between principals, under static and signed credentials alike. */
export const isolationScenarios: Scenario[] = [
  isolation(
    'bearer',
    { strategy: 'bearer', tokens: { [BEARER_TOKENS.alice]: 'alice', [BEARER_TOKENS.bob]: 'bob' } },
    () => [bearer(BEARER_TOKENS.alice), bearer(BEARER_TOKENS.bob)],
  ),
  isolation(
    'api_key',
    { strategy: 'api_key', keys: { [API_KEYS.alice]: 'alice', [API_KEYS.bob]: 'bob' } },
    () => [{ 'x-api-key': API_KEYS.alice }, { 'x-api-key': API_KEYS.bob }],
  ),
  isolation('basic', { strategy: 'basic', users: BASIC_USERS }, () => [
    basicAuth('alice', BASIC_USERS.alice.password),
    basicAuth('bob', BASIC_USERS.bob.password),
  ]),
  isolation('jwt', HS256_AUTH, () => [jwtFor('alice'), jwtFor('bob')]),
];
