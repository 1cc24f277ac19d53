import { isDeepStrictEqual } from 'node:util';
import type { CaseRequest, ConformanceCase, Expected } from './case.js';
import { check, encodedForms, leakProblems } from './check.js';
import { send, type Observed } from './send.js';
import { bindVars, substitute, type Vars } from './vars.js';

/** One request of a case and what came back. */
export interface Exchange {
  /** `setup 1`, `given`, `then 1`, ... */
  label: string;
  /** The request as sent (variables substituted). */
  request: CaseRequest;
  observed: Observed;
  problems: string[];
}

export interface CaseOutcome {
  name: string;
  exchanges: Exchange[];
  /** Empty when the server conforms on this case. */
  problems: string[];
  vars: Vars;
  /** Why the case was not run against this server (nothing was sent), when it was not. */
  skipped?: string;
}

/**
 * Why a case cannot run against a server at `baseUrl`, or undefined when it can: a case at the
 * origin root (`atOriginRoot`) needs a server mounted there.
 */
export function skipReason(testCase: ConformanceCase, baseUrl: string): string | undefined {
  if (!testCase.atOriginRoot) return undefined;
  const mount = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return mount === ''
    ? undefined
    : `served only at the origin root, and this server is mounted at ${mount}`;
}

export interface RunCaseOptions {
  /** The server's data dir, for the file system checks (`absentFiles`). */
  dataDir?: string;
  /**
   * Variables bound before the first request: credentials minted as the case starts (a JWT
   * carries the clock, so it cannot be written into the case ahead of time).
   */
  vars?: Vars;
  /**
   * Strings no response may contain, in its body or any header: the credentials of an auth case.
   * Checked on every exchange, setup included, with the case's own `secrets` (in every encoding).
   */
  secrets?: readonly string[];
  /**
   * How a response is judged against what the case expects (the main request and every
   * follow-up; setup requests only need their status). `protocolCheck` judges the protocol as
   * PROTOCOL.md and the spec define it, not this project's own wording, codes and extra fields.
   * @default check (everything the fixture's own servers are held to)
   */
  judge?: Judge;
}

/** Every way a response differs from what a case expects; empty when it conforms. */
export type Judge = (observed: Observed, want: Expected, dataDir?: string) => string[];

function setupProblems(observed: Observed, status: number | undefined): string[] {
  if (observed.status === 0) return [`no response: ${observed.error ?? 'connection failed'}`];
  const ok =
    status === undefined
      ? observed.status >= 200 && observed.status < 300
      : observed.status === status;
  return ok
    ? []
    : [
        `status: expected ${status ?? '2xx'}, got ${observed.status}: ${observed.body.toString('utf8').slice(0, 300)}`,
      ];
}

/**
 * Runs one case against a server: its setup requests, the request under test and its follow-ups,
 * in order, binding variables as it goes. Never throws for a non-conforming server: the outcome
 * lists the problems (use `assertConforms` to turn them into a test failure).
 */
export async function runCase(
  baseUrl: string,
  testCase: ConformanceCase,
  options: RunCaseOptions = {},
): Promise<CaseOutcome> {
  const vars: Vars = { ...options.vars };
  const skipped = skipReason(testCase, baseUrl);
  if (skipped) return { name: testCase.name, exchanges: [], problems: [], vars, skipped };
  const secrets = [...(options.secrets ?? []), ...(testCase.secrets ?? []).flatMap(encodedForms)];
  const exchanges: Exchange[] = [];
  const outcome = (): CaseOutcome => ({
    name: testCase.name,
    exchanges,
    problems: exchanges.flatMap((e) => e.problems.map((p) => `${e.label}: ${p}`)),
    vars,
  });

  const step = async (
    label: string,
    given: CaseRequest,
    judge: (o: Observed) => string[],
    bind: Record<string, string> | undefined,
  ): Promise<boolean> => {
    const request = substitute(given, vars);
    const observed = await send(baseUrl, request);
    const problems = [...judge(observed), ...leakProblems(observed, secrets)];
    if (problems.length === 0) {
      try {
        bindVars(observed.json, bind, vars);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    exchanges.push({ label, request, observed, problems });
    return problems.length === 0;
  };

  for (const [i, s] of (testCase.setup ?? []).entries()) {
    const ok = await step(`setup ${i + 1}`, s.given, (o) => setupProblems(o, s.status), s.bind);
    if (!ok) return outcome();
  }
  const judgeBy = options.judge ?? check;
  const judge = (want: Expected) => (o: Observed) => [
    ...judgeBy(o, substitute(want, vars), options.dataDir),
    ...sameJsonProblems(o, want.sameJsonAs, exchanges),
  ];
  if (!(await step('given', testCase.given, judge(testCase.want), testCase.bind))) return outcome();
  for (const [i, f] of (testCase.then ?? []).entries()) {
    if (!(await step(`then ${i + 1}`, f.given, judge(f.want), f.bind))) break;
  }
  return outcome();
}

function sameJsonProblems(
  observed: Observed,
  label: string | undefined,
  earlier: readonly Exchange[],
): string[] {
  if (label === undefined) return [];
  const other = earlier.find((e) => e.label === label);
  if (!other) return [`body: the case names no request "${label}" before this one`];
  return isDeepStrictEqual(observed.json, other.observed.json)
    ? []
    : [`body: expected the same JSON as ${label}, got ${JSON.stringify(observed.json)}`];
}

function describeExchange(e: Exchange): string {
  const body = e.observed.body.toString('utf8');
  const shown = body.length > 600 ? `${body.slice(0, 600)}…` : body;
  return [
    `  ${e.label}: ${e.request.method} ${e.request.path}${e.request.query ? ` ${JSON.stringify(e.request.query)}` : ''}`,
    `    → ${e.observed.status} ${e.observed.headers['content-type'] ?? ''} ${shown}`,
    ...e.problems.map((p) => `    ✗ ${p}`),
  ].join('\n');
}

/** Throws an Error describing every problem of a non-conforming outcome. */
export function assertConforms(outcome: CaseOutcome): void {
  if (outcome.problems.length === 0) return;
  const failing = outcome.exchanges.filter((e) => e.problems.length > 0).map(describeExchange);
  // Problems found after the requests (what the authorization server saw) belong to no exchange.
  const ofExchanges = new Set(
    outcome.exchanges.flatMap((e) => e.problems.map((p) => `${e.label}: ${p}`)),
  );
  const afterwards = outcome.problems.filter((p) => !ofExchanges.has(p)).map((p) => `  ✗ ${p}`);
  throw new Error(`"${outcome.name}" does not conform:\n${[...failing, ...afterwards].join('\n')}`);
}
