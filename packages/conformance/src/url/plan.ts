import type { AuthCase } from '../auth-group.js';
import type { CaseRequest, ConformanceCase, FollowUp } from '../case.js';
import { BEARER_TOKENS } from '../cases/auth-bearer.js';
import {
  authCaseGroups,
  bearerGroup,
  conformanceCases,
  secretsBearerGroup,
} from '../cases/index.js';
import { SECRETS, TASKS } from '../cases/requests.js';
import { groupByCaseName } from './case-groups.js';
import { expectationNeedsReferenceAgent, requestNeedsReferenceAgent } from './reference-words.js';
import { checkRequirements, relaxedStatuses, urlSkipReason } from './requirements.js';

/** Cases that need the reference agent's own words, whatever file they are written in. */
export const REFERENCE_AGENT_GROUP = 'reference-agent';
/** Two principals kept apart: needs `--token` and `--token-b`. */
export const ISOLATION_GROUP = 'isolation';
/** The auth case groups, each needing a server started with the fixture's own credentials. */
export const AUTH_GROUP = 'auth';

/** One case as it runs against a server found by URL. */
export interface PlannedCase {
  name: string;
  /** Its group (`tasks`, `secrets`, ..., `reference-agent`, `isolation`, `auth`). */
  group: string;
  /** Why it cannot run against any server found by URL (nothing is sent), when it cannot. */
  skip?: string;
  /** The case to run: credentials added, follow-ups that read everything the server holds left out. */
  testCase: ConformanceCase;
  /**
   * The index of its first follow-up that needs the reference agent's words: against another
   * agent, the case stops before it (what came before is still judged).
   */
  referenceFollowUpsFrom?: number;
  /** Lists every secret of the principal: runs only while the principal holds none. */
  listsAllSecrets: boolean;
  /** Statuses also accepted for the main request, where the protocol allows several. */
  alsoAccepted?: readonly number[];
}

/** Credentials of the run: a bearer token and, for the isolation cases, a second one. */
export interface PlanCredentials {
  token?: string;
  tokenB?: string;
}

const ISOLATION_FROM_BEARER = [
  "auth bearer: another principal's task: 404, as if it did not exist",
  'auth bearer: a task another principal created is not in my list',
];

/** The isolation cases: bob and alice of the bearer groups, whose tokens the user provides. */
const isolationCases: readonly AuthCase[] = [
  ...bearerGroup.cases.filter((c) => ISOLATION_FROM_BEARER.includes(c.name)),
  // Without credentials, the server's challenge (scheme, realm) is its own: not by URL.
  ...secretsBearerGroup.cases.filter((c) => !c.name.includes('without credentials')),
];

const path = (request: CaseRequest) => request.path.replace(/\/+$/, '');
const lists = (collection: string) => (request: CaseRequest) =>
  request.method.toUpperCase() === 'GET' && path(request) === collection;
/** GET of every task of the principal: its answer depends on everything the server holds. */
const listsAllTasks = lists(TASKS);
const listsSecrets = lists(SECRETS);

/** The request with the run's credentials: the case's own `Authorization` wins. */
function withCredentials(request: CaseRequest, credentials: PlanCredentials): CaseRequest {
  const headers = { ...request.headers };
  const auth = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
  if (auth !== undefined) {
    // The isolation cases name the fixture's alice and bob: the user's principals stand in.
    headers[auth] = headers[auth]!.replace(BEARER_TOKENS.alice, credentials.token ?? '').replace(
      BEARER_TOKENS.bob,
      credentials.tokenB ?? '',
    );
  } else if (credentials.token !== undefined) {
    headers.authorization = `Bearer ${credentials.token}`;
  }
  return Object.keys(headers).length > 0 ? { ...request, headers } : request;
}

function prepare(c: ConformanceCase, credentials: PlanCredentials): ConformanceCase {
  const then = (c.then ?? []).filter((f) => !(listsAllTasks(f.given) && f.want.status === 200));
  const withAuth = (r: CaseRequest) => withCredentials(r, credentials);
  return {
    ...c,
    setup: c.setup?.map((s) => ({ ...s, given: withAuth(s.given) })),
    given: withAuth(c.given),
    then: then.map((f): FollowUp => ({ ...f, given: withAuth(f.given) })),
  };
}

function plan(
  c: ConformanceCase,
  fileGroup: string,
  credentials: PlanCredentials,
  skip?: string,
): PlannedCase {
  const testCase = prepare(c, credentials);
  const needsAgent =
    (testCase.setup ?? []).some((s) => requestNeedsReferenceAgent(s.given)) ||
    requestNeedsReferenceAgent(testCase.given) ||
    expectationNeedsReferenceAgent(testCase.want);
  const from = (testCase.then ?? []).findIndex(
    (f) => requestNeedsReferenceAgent(f.given) || expectationNeedsReferenceAgent(f.want),
  );
  const everyTask =
    listsAllTasks(testCase.given) && testCase.want.status === 200
      ? 'lists every task of the principal, so its answer depends on what the server already holds: it needs a fresh server (run it with runConformance)'
      : undefined;
  const secretLists = [
    { given: testCase.given, want: testCase.want },
    ...(testCase.then ?? []),
  ].some((f) => listsSecrets(f.given) && f.want.status === 200);
  return {
    name: c.name,
    group: needsAgent ? REFERENCE_AGENT_GROUP : fileGroup,
    skip: skip ?? urlSkipReason(c.name, credentials.token !== undefined) ?? everyTask,
    testCase,
    referenceFollowUpsFrom: from === -1 ? undefined : from,
    listsAllSecrets: secretLists,
    alsoAccepted: relaxedStatuses(c.name),
  };
}

/**
 * Every case of the fixture as it runs by URL, in the fixture's order: the protocol cases, the
 * isolation cases (with both tokens), then the auth groups, skipped.
 */
export function planUrlRun(credentials: PlanCredentials): PlannedCase[] {
  checkRequirements(conformanceCases);
  const groups = groupByCaseName();
  const isolationNames = new Set(isolationCases.map((c) => c.name));
  const noPrincipals =
    credentials.token === undefined || credentials.tokenB === undefined
      ? 'needs two principals on a server that requires credentials: --token and --token-b'
      : undefined;
  return [
    ...conformanceCases.map((c) => plan(c, groups.get(c.name)!, credentials)),
    ...isolationCases.map((c) => plan(c, ISOLATION_GROUP, credentials, noPrincipals)),
    ...authCaseGroups.flatMap((g) =>
      g.cases
        .filter((c) => !isolationNames.has(c.name))
        .map((c): PlannedCase => ({
          name: c.name,
          group: AUTH_GROUP,
          skip: `needs a server started with the auth of "${g.name}" and the fixture's own credentials (run it with runConformance)`,
          testCase: c,
          listsAllSecrets: false,
        })),
    ),
  ];
}

/** Every group a run can report, for `--only`. */
export function urlGroups(): string[] {
  const planned = planUrlRun({ token: 'a', tokenB: 'b' });
  return [...new Set([...planned.map((p) => p.group), REFERENCE_AGENT_GROUP])];
}
