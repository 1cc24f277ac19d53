import { clientFunctionScenarios } from './client-functions.js';
import { concurrencyScenarios } from './concurrency.js';
import { isolationScenarios } from './isolation.js';
import { oauthCallbackScenarios } from './oauth-callback.js';
import { persistenceScenarios } from './persistence.js';
import type { Scenario } from './scenario.js';
import { secretScenarios } from './secrets.js';
import { stepLimitScenario } from './step-limit.js';
import { streamingScenarios } from './streaming.js';

export {
  clientFunctionScenarios,
  concurrencyScenarios,
  isolationScenarios,
  oauthCallbackScenarios,
  persistenceScenarios,
  secretScenarios,
  stepLimitScenario,
  streamingScenarios,
};
export { ScenarioFailure, type Scenario } from './scenario.js';

/** The scenarios whose server runs with auth: principals kept apart, steps limited per principal. */
export const authScenarios: readonly Scenario[] = [...isolationScenarios, stepLimitScenario];

/** Every scenario: checks that take more than one request and response. */
export const conformanceScenarios: readonly Scenario[] = [
  ...concurrencyScenarios,
  ...persistenceScenarios,
  ...secretScenarios,
  ...clientFunctionScenarios,
  ...oauthCallbackScenarios,
  ...streamingScenarios,
  ...authScenarios,
];
