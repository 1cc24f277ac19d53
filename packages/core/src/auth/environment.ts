import type { AuthOptions, CommonAuthOptions, CredentialMap } from './types.js';

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, why: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} must be set ${why}.`);
  return value;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `secret:principal,...`; the principal is after the last colon, so secrets may contain colons. */
function credentialMap(env: Env, name: string): CredentialMap {
  const map: CredentialMap = {};
  for (const pair of list(required(env, name, 'as comma-separated secret:principal pairs'))) {
    const at = pair.lastIndexOf(':');
    if (at <= 0 || at === pair.length - 1)
      throw new Error(`${name}: '${pair.slice(0, 3)}…' is not secret:principal.`);
    map[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return map;
}

function basicUsers(env: Env): Record<string, { password: string; principal: string }> {
  const users: Record<string, { password: string; principal: string }> = {};
  for (const entry of list(
    required(env, 'AGENT_BASIC_USERS', 'as comma-separated user:password:principal'),
  )) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first <= 0 || last === first || last === entry.length - 1) {
      throw new Error(
        `AGENT_BASIC_USERS: an entry for '${entry.slice(0, Math.max(first, 0))}' is not user:password:principal.`,
      );
    }
    users[entry.slice(0, first)] = {
      password: entry.slice(first + 1, last),
      principal: entry.slice(last + 1),
    };
  }
  return users;
}

function jwtFrom(env: Env) {
  const audience = env.AGENT_JWT_AUDIENCE ? list(env.AGENT_JWT_AUDIENCE) : undefined;
  return {
    ...(env.AGENT_JWKS_URL
      ? { jwksUrl: env.AGENT_JWKS_URL }
      : { secret: required(env, 'AGENT_JWT_SECRET', 'or AGENT_JWKS_URL for AGENT_AUTH=jwt') }),
    ...(env.AGENT_JWT_ISSUER ? { issuer: env.AGENT_JWT_ISSUER } : {}),
    ...(audience ? { audience: audience.length === 1 ? audience[0]! : audience } : {}),
  };
}

/**
 * Auth options from the environment every example app reads (README, "Authentication"):
 * `AGENT_AUTH` = none | api_key | basic | bearer | jwt | oauth2, and the variables of that strategy.
 * Throws at start-up, naming the variable, when the configuration is incomplete.
 */
export function authFromEnvironment(env: Env = process.env): AuthOptions {
  const common: CommonAuthOptions = {};
  if (env.AGENT_AUTH_REALM) common.realm = env.AGENT_AUTH_REALM;
  if (env.AGENT_CREDENTIALS_URL) common.credentialsUrl = env.AGENT_CREDENTIALS_URL;
  if (env.AGENT_MAX_CONCURRENT_STEPS) {
    const max = Number(env.AGENT_MAX_CONCURRENT_STEPS);
    if (!Number.isInteger(max) || max < 1)
      throw new Error('AGENT_MAX_CONCURRENT_STEPS must be an integer ≥ 1.');
    common.maxConcurrentStepsPerPrincipal = max;
  }
  const strategy = (env.AGENT_AUTH ?? 'none').trim();
  switch (strategy) {
    case 'none':
      return { strategy, ...common };
    case 'api_key':
      return { strategy, keys: credentialMap(env, 'AGENT_API_KEYS'), ...common };
    case 'bearer':
      return { strategy, tokens: credentialMap(env, 'AGENT_BEARER_TOKENS'), ...common };
    case 'basic':
      return { strategy, users: basicUsers(env), ...common };
    case 'jwt':
      return { strategy, ...jwtFrom(env), ...common };
    case 'oauth2':
      if (env.AGENT_OAUTH2_INTROSPECTION_URL) {
        return {
          strategy,
          introspection: {
            url: env.AGENT_OAUTH2_INTROSPECTION_URL,
            clientId: required(
              env,
              'AGENT_OAUTH2_CLIENT_ID',
              'with AGENT_OAUTH2_INTROSPECTION_URL',
            ),
            clientSecret: required(
              env,
              'AGENT_OAUTH2_CLIENT_SECRET',
              'with AGENT_OAUTH2_INTROSPECTION_URL',
            ),
          },
          ...common,
        };
      }
      required(env, 'AGENT_JWKS_URL', 'or AGENT_OAUTH2_INTROSPECTION_URL for AGENT_AUTH=oauth2');
      return { strategy, jwt: jwtFrom(env), ...common };
    default:
      throw new Error(
        `AGENT_AUTH must be one of none, api_key, basic, bearer, jwt, oauth2 (got '${strategy}').`,
      );
  }
}
