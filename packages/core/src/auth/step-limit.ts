import { AgentProtocolError } from '../errors.js';

/**
 * The answer to a principal over its step limit (seed 003's "one task running per token"): a 429
 * with `Retry-After`. Every coordination (in-process or shared) refuses with exactly this.
 */
export function stepLimitError(max: number): AgentProtocolError {
  return new AgentProtocolError(
    'too_many_requests',
    `At most ${max} step(s) may run at once for one caller; retry when one finishes.`,
    { headers: { 'retry-after': '1' } },
  );
}
