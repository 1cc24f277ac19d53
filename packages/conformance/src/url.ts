/**
 * `@agent-protocol/conformance/url`: the fixture's cases against a server that is already running,
 * found by its URL, judged at the protocol level. No vitest here (the package's main entry
 * registers vitest suites): a command line or a script imports this.
 */
export {
  baseUrlOf,
  runAgainstUrl,
  UnreachableServerError,
  type CaseResult,
  type GroupSummary,
  type Report,
  type RunAgainstUrlOptions,
} from './url/run.js';
export { urlGroups, REFERENCE_AGENT_GROUP, ISOLATION_GROUP, AUTH_GROUP } from './url/plan.js';
export { reportToJunit } from './url/junit.js';
export { protocolCheck } from './url/protocol-check.js';
