import { describe, it } from 'vitest';
import type { ConformanceCase } from './case.js';
import { conformanceCases } from './cases/index.js';
import { assertConforms, runCase } from './run-case.js';
import { conformanceScenarios, type Scenario } from './scenarios/index.js';
import { withServer, type StartServer } from './server.js';

export interface RunConformanceOptions {
  /** @default every case (`conformanceCases`) */
  cases?: readonly ConformanceCase[];
  /** @default every scenario (`conformanceScenarios`) */
  scenarios?: readonly Scenario[];
  /**
   * Case or scenario names this adapter is known to fail, with the reason. They run as
   * `it.fails`: the suite stays green while the bug is open and turns red once it is fixed, so
   * the entry gets removed.
   * @default {}
   */
  knownFailures?: Record<string, string>;
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
 * Registers the conformance suite for one adapter: `describe(adapterName)` with one test per case
 * and per scenario, each against a fresh server (from `start`) in a fresh temporary data dir.
 *
 * @example
 * runConformance('express', async ({ dataDir, limits, agent }) => {
 *   const app = express().use(agentRouter({ agent, dataDir, limits }));
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
  const known = options.knownFailures ?? {};
  const timeout = options.timeout ?? 30_000;
  assertUniqueNames([...cases.map((c) => c.name), ...scenarios.map((s) => s.name)]);
  const test = (name: string) => (name in known ? it.fails : it);

  const registerCases = () => {
    for (const testCase of cases) {
      test(testCase.name)(
        testCase.name,
        async () => {
          const outcome = await withServer(start, (h) =>
            runCase(h.baseUrl, testCase, { dataDir: h.dataDir }),
          );
          assertConforms(outcome);
        },
        timeout,
      );
    }
  };
  const registerScenarios = () => {
    for (const scenario of scenarios) {
      test(scenario.name)(scenario.name, () => withServer(start, scenario.run), timeout * 2);
    }
  };

  describe(adapterName, () => {
    // vitest fails a describe without tests, so an empty selection registers nothing.
    if (cases.length > 0) describe('cases', registerCases);
    if (scenarios.length > 0) describe('scenarios', registerScenarios);
  });
}
