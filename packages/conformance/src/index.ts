export {
  createReferenceAgent,
  LEAK_MARKER,
  REFERENCE_CLIENT_FUNCTIONS,
  REFERENCE_SECRETS,
  referenceAgent,
  ReferenceAgentFailure,
  type ReferenceAgentOptions,
} from './reference-agent.js';
export { runConformance, type RunConformanceOptions } from './runner.js';
export { CORE_KNOWN_FAILURES } from './core-known-failures.js';
export { runAuthCase, secretsOf, type AuthCase, type AuthCaseGroup } from './auth-group.js';
export {
  INTROSPECTION_CLIENT,
  OPAQUE_TOKENS,
  startAuthServers,
  type AuthEnvironment,
  type IntrospectionCall,
  type RunningAuthServers,
} from './auth-servers.js';
export {
  nowSeconds,
  signJwt,
  tamperJwt,
  type JwtAlgorithm,
  type JwtSigningKey,
} from './jwt-sign.js';
export { ES256_KID, RS256_KID, signingKeys, type SigningKeys } from './signing-keys.js';
export { API_KEYS } from './cases/auth-api-key.js';
export { BASIC_USERS } from './cases/auth-basic.js';
export { BEARER_TOKENS } from './cases/auth-bearer.js';
export { CUSTOM_CREDENTIALS } from './cases/auth-custom.js';
export { AUDIENCE, HS256_SECRET, ISSUER, SCOPE } from './cases/auth-jwt.js';
export { SECRET_VALUES } from './cases/secrets.js';
export { startReferenceServer } from './reference-server.js';
export {
  withServer,
  type Harness,
  type RunningServer,
  type StartOptions,
  type StartServer,
  type WithServerOptions,
} from './server.js';
export {
  assertConforms,
  runCase,
  skipReason,
  type CaseOutcome,
  type Exchange,
  type RunCaseOptions,
} from './run-case.js';
export { check, encodedForms, errorBodyProblems, leakProblems } from './check.js';
export { send, type Observed } from './send.js';
export { match } from './match.js';
export {
  diffObservations,
  observeConformance,
  observeOutcome,
  type CaseObservation,
  type ExchangeObservation,
} from './observe.js';
export {
  CONFORMANCE_LIMITS,
  CONFORMANCE_SHUTDOWN_GRACE_MS,
  CONFORMANCE_STREAMS,
} from './limits.js';
export { parseEventStream, readEvents, SseParser } from './sse.js';
export { ALL_BYTE_VALUES, toBuffer } from './bytes.js';
export * from './cases/index.js';
export {
  authScenarios,
  clientFunctionScenarios,
  concurrencyScenarios,
  conformanceScenarios,
  isolationScenarios,
  oauthCallbackScenarios,
  persistenceScenarios,
  secretScenarios,
  stepLimitScenario,
  streamingScenarios,
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
export { closeServer } from './close-server.js';
export { tracesIn } from './traces.js';
