import { concurrencyScenarios } from './concurrency.js';
import { persistenceScenarios } from './persistence.js';
import type { Scenario } from './scenario.js';

export { concurrencyScenarios, persistenceScenarios };
export { ScenarioFailure, type Scenario } from './scenario.js';

/** Every scenario: checks that take more than one request and response. */
export const conformanceScenarios: readonly Scenario[] = [
  ...concurrencyScenarios,
  ...persistenceScenarios,
];
