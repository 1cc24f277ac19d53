import type { CaseRequest, Expected, Matcher } from '../case.js';

/**
 * What only the reference agent does or says (PROTOCOL.md section 11, the package README): a
 * case that sends one of its commands or options, or expects one of its answers, judges that
 * agent, not the protocol. Against another agent such a case is skipped (or, for a follow-up,
 * the case stops before it): any agent may answer "hi" as it likes, pause, end the task, fail.
 */

/** The reference agent's commands, matched as it matches them (case-insensitive, trimmed). */
const COMMAND =
  /^\s*(?:write\s.*\bto\s+(?:the\s+)?file\s|finish\s*$|whoami\s*$|fail\s*$|raise\s*$|use\s+secret\s|call\s|stream\s)/i;

/** Its configuration options: another agent declares its own, or none. */
const OPTIONS = ['greeting', 'verbosity', 'delay_ms'];

/**
 * Body fields that only work with what the agent declares (its client functions) or with the
 * pauses its commands cause (results and declines answer them).
 */
const EXTENSION_FIELDS = ['client_functions', 'function_results', 'declined_secrets'];

/**
 * Fields whose values the agent chooses: what it says and names, how its steps end, what it
 * declares in its info. A case expecting a value there (beyond its JSON type) needs this agent.
 */
const AGENT_FIELDS = new Set([
  'output',
  'additional_output',
  'name',
  'is_last',
  'outcome',
  'error',
  'secret_demands',
  'function_calls',
  'function_results',
  'declined_secrets',
  'auth_demands',
  'config_options',
  'secrets',
  'client_functions',
  'description',
  'version',
  'protocol',
]);

function bodyOf(request: CaseRequest): unknown {
  if (request.json !== undefined) return request.json;
  if (typeof request.rawBody === 'string') {
    try {
      return JSON.parse(request.rawBody);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The request sends one of the reference agent's commands, options or extension fields. */
export function requestNeedsReferenceAgent(request: CaseRequest): boolean {
  const body = bodyOf(request);
  if (!isObject(body)) return false;
  if (typeof body.input === 'string' && COMMAND.test(body.input)) return true;
  if (EXTENSION_FIELDS.some((field) => field in body)) return true;
  const options = body.additional_input;
  return isObject(options) && OPTIONS.some((option) => option in options);
}

/** A matcher that only checks the JSON type says nothing of the agent's words. */
function onlyTyped(matcher: Matcher): boolean {
  return isObject(matcher) && Object.keys(matcher).length === 1 && '$type' in matcher;
}

/** A step in a matcher: its artifacts are the agent's (it may write files in any step). */
const looksLikeStep = (matcher: Record<string, unknown>) =>
  'step_id' in matcher || 'is_last' in matcher || 'status' in matcher;

/** The matcher expects a value in a field the agent chooses. */
function matcherNeedsReferenceAgent(matcher: Matcher): boolean {
  if (Array.isArray(matcher)) return matcher.some(matcherNeedsReferenceAgent);
  if (!isObject(matcher)) return false;
  const step = looksLikeStep(matcher);
  return Object.entries(matcher).some(([key, value]) => {
    if (AGENT_FIELDS.has(key) && !onlyTyped(value)) return true;
    if (step && key === 'artifacts' && !onlyTyped(value)) return true;
    // Operators ($and, $contains, ...) hold matchers of the same value: look inside.
    return matcherNeedsReferenceAgent(value);
  });
}

/** What the case expects of this response names the reference agent's words. */
export function expectationNeedsReferenceAgent(want: Expected): boolean {
  return want.json !== undefined && matcherNeedsReferenceAgent(want.json);
}
