import { describe, it } from 'vitest';
import { authCaseNames, runAuthCase, type AuthCaseGroup } from './auth-group.js';
import type { ConformanceCase } from './case.js';
import { authCaseGroups, conformanceCases } from './cases/index.js';
import { CORE_KNOWN_FAILURES } from './core-known-failures.js';
import { observeOutcome, type CaseObservation } from './observe.js';
import { assertConforms, runCase, type CaseOutcome } from './run-case.js';
import { conformanceScenarios, type Scenario } from './scenarios/index.js';
import { withServer, type StartServer } from './server.js';

export interface RunConformanceOptions {
  /** @default every case (`conformanceCases`) */
  cases?: readonly ConformanceCase[];
  /** @default every scenario (`conformanceScenarios`, the auth scenarios included) */
  scenarios?: readonly Scenario[];
  /**
   * The auth case groups, each case on a server started with its group's `auth`.
   * @default every group (`authCaseGroups`)
   */
  authGroups?: readonly AuthCaseGroup[];
  /**
   * Case or scenario names this adapter is known to fail, with the reason. They run as
   * `it.fails`: the suite stays green while the bug is open and turns red once it is fixed, so
   * the entry gets removed. Added to `CORE_KNOWN_FAILURES`, which every adapter shares.
   * @default {}
   */
  knownFailures?: Record<string, string>;
  /**
   * When given, every case's outcome is observed into it (ids and ports normalised), so one suite
   * can then compare adapters case for case with `diffObservations`, without running them twice.
   */
  observations?: CaseObservation[];
  /**
   * Per-test timeout in milliseconds.
   * @default 30000
   */
  timeout?: number;
}

function assertUniqueNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`Two conformance checks are named "${name}"`);
    seen.add(name);
  }
}

/**
 * Registers the conformance suite for one adapter: `describe(adapterName)` with one test per case,
 * per auth case and per scenario, each against a fresh server (from `start`) in a fresh temporary
 * data dir; auth cases and auth scenarios pass their `auth` to `start`.
 *
 * @example
 * runConformance('express', async (options) => {
 *   const app = express().use(agentRouter({ ...options }));
 *   ...listen on 127.0.0.1:0...
 *   return { baseUrl, close };
 * });
 */
export function runConformance(
  adapterName: string,
  start: StartServer,
  options: RunConformanceOptions = {},
): void {
  const cases = options.cases ?? conformanceCases;
  const scenarios = options.scenarios ?? conformanceScenarios;
  const groups = options.authGroups ?? authCaseGroups;
  const known = { ...CORE_KNOWN_FAILURES, ...options.knownFailures };
  const timeout = options.timeout ?? 30_000;
  assertUniqueNames([
    ...cases.map((c) => c.name),
    ...scenarios.map((s) => s.name),
    ...authCaseNames(groups),
  ]);
  const test = (name: string) => (name in known ? it.fails : it);
  const check = (outcome: CaseOutcome, skip: (note: string) => never) => {
    // A case this server cannot take (at the origin root, on a server under a prefix).
    if (outcome.skipped) skip(outcome.skipped);
    options.observations?.push(observeOutcome(outcome));
    assertConforms(outcome);
  };

  const registerCases = () => {
    for (const testCase of cases) {
      test(testCase.name)(
        testCase.name,
        async (ctx) => {
          check(
            await withServer(start, (h) => runCase(h.baseUrl, testCase, { dataDir: h.dataDir })),
            ctx.skip,
          );
        },
        timeout,
      );
    }
  };
  const registerAuth = () => {
    for (const group of groups.filter((g) => g.cases.length > 0)) {
      describe(group.name, () => {
        for (const testCase of group.cases) {
          test(testCase.name)(
            testCase.name,
            async (ctx) => check(await runAuthCase(start, group, testCase), ctx.skip),
            timeout,
          );
        }
      });
    }
  };
  const registerScenarios = () => {
    for (const scenario of scenarios) {
      test(scenario.name)(
        scenario.name,
        () =>
          withServer(start, scenario.run, {
            auth: scenario.auth,
            captureLog: scenario.captureLog,
          }),
        timeout * 2,
      );
    }
  };

  describe(adapterName, () => {
    // vitest fails a describe without tests, so an empty selection registers nothing.
    if (cases.length > 0) describe('cases', registerCases);
    if (groups.some((g) => g.cases.length > 0)) describe('auth', registerAuth);
    if (scenarios.length > 0) describe('scenarios', registerScenarios);
  });
}
