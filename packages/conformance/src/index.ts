export {
  createReferenceAgent,
  LEAK_MARKER,
  referenceAgent,
  ReferenceAgentFailure,
} from './reference-agent.js';
export { runConformance, type RunConformanceOptions } from './runner.js';
export { startReferenceServer } from './reference-server.js';
export {
  withServer,
  type Harness,
  type RunningServer,
  type StartOptions,
  type StartServer,
} from './server.js';
export {
  assertConforms,
  runCase,
  type CaseOutcome,
  type Exchange,
  type RunCaseOptions,
} from './run-case.js';
export { check, errorBodyProblems } from './check.js';
export { send, type Observed } from './send.js';
export { match } from './match.js';
export {
  diffObservations,
  observeConformance,
  observeOutcome,
  type CaseObservation,
  type ExchangeObservation,
} from './observe.js';
export { CONFORMANCE_LIMITS } from './limits.js';
export { ALL_BYTE_VALUES, toBuffer } from './bytes.js';
export * from './cases/index.js';
export {
  concurrencyScenarios,
  conformanceScenarios,
  persistenceScenarios,
  ScenarioFailure,
  type Scenario,
} from './scenarios/index.js';
export type {
  Bytes,
  CaseRequest,
  ConformanceCase,
  Expected,
  FollowUp,
  Matcher,
  MultipartPart,
  SetupRequest,
} from './case.js';
