import { AgentProtocolError } from '../errors.js';

/** RFC 7235 quoted-string. */
const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

export type ChallengeScheme = 'Basic' | 'Bearer' | 'ApiKey';

/**
 * A 401 with its `WWW-Authenticate` challenge. Per RFC 6750, a Bearer challenge carries
 * `error="invalid_token"` only when a token was sent and rejected, never when none was sent.
 */
export function unauthorized(
  scheme: ChallengeScheme,
  realm: string,
  problem: { sent: boolean; description: string; extra?: Record<string, string> },
): AgentProtocolError {
  const params: Record<string, string> = { realm, ...problem.extra };
  if (scheme === 'Basic') params.charset = 'UTF-8';
  if (scheme === 'Bearer' && problem.sent) {
    params.error = 'invalid_token';
    params.error_description = problem.description;
  }
  const challenge = `${scheme} ${Object.entries(params)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(', ')}`;
  return new AgentProtocolError(
    'unauthorized',
    problem.sent
      ? `Invalid credentials: ${problem.description}.`
      : `Authentication required: ${problem.description}.`,
    { headers: { 'www-authenticate': challenge } },
  );
}

/** A 403 for a valid credential that lacks what the operation needs. */
export function insufficientScope(realm: string, scopes: string[]): AgentProtocolError {
  const scope = scopes.join(' ');
  return new AgentProtocolError(
    'forbidden',
    `The credential is valid but lacks the scope '${scope}'.`,
    {
      headers: {
        'www-authenticate': `Bearer realm=${quote(realm)}, error="insufficient_scope", scope=${quote(scope)}`,
      },
    },
  );
}
