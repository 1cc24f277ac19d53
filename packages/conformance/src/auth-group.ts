import type { AuthOptions } from '@agent-protocol/core';
import { startAuthServers, type AuthEnvironment } from './auth-servers.js';
import type { ConformanceCase } from './case.js';
import { runCase, type CaseOutcome } from './run-case.js';
import { withServer, type StartServer } from './server.js';
import type { Vars } from './vars.js';

/** An auth case: a conformance case, plus what the test's authorization server must have seen. */
export interface AuthCase extends ConformanceCase {
  /**
   * How many times the introspection endpoint must have been called by the end of the case, each
   * time with the client's HTTP Basic credentials and a `token=` form body (RFC 7662). Says that
   * a server caches answers (two requests, one call) or asks nobody without a token (0).
   */
  introspectionCalls?: number;
}

/**
 * Auth cases that need the same server configuration. Each case still gets a server of its own
 * (and a fresh authorization server on 127.0.0.1), started with `auth`.
 */
export interface AuthCaseGroup {
  /** The group's title (`bearer`, `jwt: HS256 secret`); its case names start with it. */
  name: string;
  /** The server's auth options; a function when they name the test-served JWKS or introspection URL. */
  auth: AuthOptions | ((env: AuthEnvironment) => AuthOptions);
  /**
   * Credentials minted as each case starts, bound as case variables (`Bearer {expired}`). JWTs
   * carry the clock, so they cannot be written into the case ahead of time. Every value is a
   * secret no response may contain.
   */
  credentials?: (env: AuthEnvironment) => Vars;
  /** More strings no response may contain, beyond those `secretsOf(auth)` finds. */
  secrets?: readonly string[];
  cases: readonly AuthCase[];
}

const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString('base64');

/** Every secret in a server's auth options: keys, tokens, passwords (and their Basic encoding). */
export function secretsOf(auth: AuthOptions): string[] {
  switch (auth.strategy) {
    case 'api_key':
      return Object.keys(auth.keys);
    case 'bearer':
      return Object.keys(auth.tokens);
    case 'basic':
      return Object.entries(auth.users).flatMap(([user, { password }]) => [
        password,
        basic(user, password),
      ]);
    case 'jwt':
      return auth.secret ? [auth.secret] : [];
    case 'oauth2':
      return [
        ...(auth.jwt?.secret ? [auth.jwt.secret] : []),
        ...(auth.introspection
          ? [
              auth.introspection.clientSecret,
              basic(auth.introspection.clientId, auth.introspection.clientSecret),
            ]
          : []),
      ];
    default:
      return [];
  }
}

function introspectionProblems(env: AuthEnvironment, expected: number | undefined): string[] {
  if (expected === undefined) return [];
  const calls = env.introspectionCalls;
  const out: string[] = [];
  if (calls.length !== expected)
    out.push(`introspection: expected ${expected} call(s) to the endpoint, got ${calls.length}`);
  calls.forEach((call, i) => {
    if (!call.clientAuthenticated)
      out.push(`introspection call ${i + 1}: not HTTP Basic with the configured client`);
    if (!call.wellFormed)
      out.push(`introspection call ${i + 1}: not a form-urlencoded body with token=`);
  });
  return out;
}

/**
 * Runs one case of a group: a fresh authorization server, a fresh server started with the
 * group's auth, the case with its minted credentials, then the checks on every response (no
 * secret anywhere) and on what the authorization server saw.
 */
export async function runAuthCase(
  start: StartServer,
  group: AuthCaseGroup,
  testCase: AuthCase,
): Promise<CaseOutcome> {
  const env = await startAuthServers();
  try {
    const auth = typeof group.auth === 'function' ? group.auth(env) : group.auth;
    const vars = group.credentials?.(env) ?? {};
    const secrets = [...secretsOf(auth), ...Object.values(vars), ...(group.secrets ?? [])];
    const outcome = await withServer(
      start,
      (h) => runCase(h.baseUrl, testCase, { dataDir: h.dataDir, vars, secrets }),
      { auth },
    );
    if (outcome.skipped) return outcome;
    outcome.problems.push(...introspectionProblems(env, testCase.introspectionCalls));
    return outcome;
  } finally {
    await env.close();
  }
}

/** Every case name of the groups, for uniqueness checks and `knownFailures`. */
export const authCaseNames = (groups: readonly AuthCaseGroup[]) =>
  groups.flatMap((g) => g.cases.map((c) => c.name));
