import type { AgentProtocolClient } from '../client.js';
import type {
  FunctionCall,
  FunctionResult,
  SecretDemand,
  Step,
  StepRequestBody,
} from '../types.js';
import type { RunEvent, RunOptions } from './types.js';

/** The value for a demand from the map or the provider; undefined = declined. */
async function secretValue(
  demand: SecretDemand,
  secrets: RunOptions['secrets'],
): Promise<string | undefined> {
  if (typeof secrets === 'function') return secrets(demand);
  return secrets && Object.hasOwn(secrets, demand.key) ? secrets[demand.key] : undefined;
}

const messageOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)) || 'the function failed';

/**
 * One function call answered as the spec's FunctionResult: `output` when it ran, `error` when
 * it threw (or this client has no such function), `refused: true` when the user declined.
 */
async function functionResult(
  call: FunctionCall,
  options: RunOptions,
  emit: (event: RunEvent) => void,
): Promise<FunctionResult> {
  const approved = options.approve ? await options.approve(call) : true;
  emit({ type: 'function', call: { id: call.id, name: call.name }, approved });
  if (!approved) return { id: call.id, refused: true };
  const implementation = options.functions?.[call.name];
  if (!implementation) return { id: call.id, error: `This client has no function ${call.name}.` };
  try {
    const output = await implementation(call.arguments);
    // JSON has no undefined: a function that returns nothing answers null.
    return { id: call.id, output: output === undefined ? null : output };
  } catch (error) {
    return { id: call.id, error: messageOf(error) };
  }
}

/**
 * The body of the step that continues a paused one, or undefined when `step` did not pause for
 * a secret or a function call. Secret values are stored through the secrets endpoint (never put
 * in a step); declined keys and function results go in the step.
 */
export async function answerPause(
  client: AgentProtocolClient,
  step: Step,
  options: RunOptions,
  emit: (event: RunEvent) => void,
): Promise<StepRequestBody | undefined> {
  const demands = step.secret_demands ?? [];
  const calls = step.function_calls ?? [];
  if (demands.length === 0 && calls.length === 0) return undefined;
  const body: StepRequestBody = {};
  const declined: string[] = [];
  for (const demand of demands) {
    const value = await secretValue(demand, options.secrets);
    if (value === undefined) declined.push(demand.key);
    else await client.secrets.set(demand.key, value);
    emit({ type: 'secret', key: demand.key, provided: value !== undefined });
  }
  if (declined.length > 0) body.declined_secrets = declined;
  // One at a time: in manual mode each call is a question to the user.
  const results: FunctionResult[] = [];
  for (const call of calls) results.push(await functionResult(call, options, emit));
  if (results.length > 0) body.function_results = results;
  return body;
}
