import { AgentProtocolError, type RequestHeaders } from '@agent-protocol/core';
import { describe, expect, it } from 'vitest';
import {
  authCaseGroups,
  bearerGroup,
  INTROSPECTION_CLIENT,
  leakProblems,
  oauth2IntrospectionGroup,
  runAuthCase,
  startReferenceServer,
  type AuthCaseGroup,
  type AuthEnvironment,
  type Observed,
  type StartServer,
} from '../src/index.js';

const caseNamed = (group: AuthCaseGroup, part: string) => {
  const found = group.cases.find((c) => c.name.includes(part));
  if (!found) throw new Error(`no case "${part}" in ${group.name}`);
  return found;
};

/** A custom verifier that asks the introspection endpoint on every request, as told. */
function introspectEveryTime(env: AuthEnvironment, clientAuth: boolean) {
  return async (headers: RequestHeaders) => {
    const token = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    if (!token) return null;
    const basic = Buffer.from(`${INTROSPECTION_CLIENT.id}:${INTROSPECTION_CLIENT.secret}`);
    const response = await fetch(env.introspectionUrl, {
      method: 'POST',
      headers: clientAuth ? { authorization: `Basic ${basic.toString('base64')}` } : {},
      body: new URLSearchParams({ token }),
    });
    const body = (await response.json()) as { active?: boolean; sub?: string };
    return body.active && body.sub ? { id: body.sub, claims: {} } : null;
  };
}

describe('the auth fixture', () => {
  it('fails every refusal case against a start function that drops `auth`', async () => {
    // The adapter bug this contract exists for: `agentRouter({ agent, dataDir, limits })`.
    const dropsAuth: StartServer = ({ agent, dataDir, limits, streams, shutdownGraceMs }) =>
      startReferenceServer({ agent, dataDir, limits, streams, shutdownGraceMs });
    const refusals = bearerGroup.cases.filter((c) => c.want.status === 401);
    expect(refusals.length).toBeGreaterThan(10);
    for (const testCase of refusals) {
      const outcome = await runAuthCase(dropsAuth, bearerGroup, testCase);
      expect(outcome.problems, testCase.name).not.toEqual([]);
    }
  }, 60_000);

  it('counts introspection calls: a server that does not cache fails the caching case', async () => {
    const noCache: AuthCaseGroup = {
      ...oauth2IntrospectionGroup,
      auth: (env) => ({ strategy: 'custom', verify: introspectEveryTime(env, true) }),
    };
    const outcome = await runAuthCase(
      startReferenceServer,
      noCache,
      caseNamed(oauth2IntrospectionGroup, 'within the cache TTL'),
    );
    expect(outcome.problems).toContain('introspection: expected 1 call(s) to the endpoint, got 2');
  });

  it('checks the client credentials of every introspection call', async () => {
    const anonymousClient: AuthCaseGroup = {
      ...oauth2IntrospectionGroup,
      auth: (env) => ({ strategy: 'custom', verify: introspectEveryTime(env, false) }),
    };
    const outcome = await runAuthCase(
      startReferenceServer,
      anonymousClient,
      caseNamed(oauth2IntrospectionGroup, 'an active token names its sub'),
    );
    expect(outcome.problems.join('\n')).toMatch(/not HTTP Basic with the configured client/);
  });

  it('fails a server that repeats a rejected token in its answer', async () => {
    const leaky: AuthCaseGroup = {
      name: 'leaky',
      auth: {
        strategy: 'custom',
        verify(headers) {
          throw new AgentProtocolError('unauthorized', `Unknown token: ${headers.authorization}`);
        },
      },
      secrets: ['leaky-token-1234'],
      cases: [
        {
          name: 'leaky: a token it does not know',
          given: {
            method: 'GET',
            path: '/ap/v1/agent/tasks',
            headers: { authorization: 'Bearer leaky-token-1234' },
          },
          want: { status: 401 },
        },
      ],
    };
    const outcome = await runAuthCase(startReferenceServer, leaky, leaky.cases[0]!);
    expect(outcome.problems).toEqual(["given: body: contains the credential 'leak…' (16 chars)"]);
  });

  it('finds a credential in a body or any header, and names it only by its start', () => {
    const observed: Observed = {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error_description="bad s3cr3t-token"' },
      body: Buffer.from('{"message":"s3cr3t-token is wrong"}'),
      json: undefined,
    };
    expect(leakProblems(observed, ['s3cr3t-token', 'abc', 'absent-one'])).toEqual([
      "body: contains the credential 's3cr…' (12 chars)",
      "header www-authenticate: contains the credential 's3cr…' (12 chars)",
    ]);
  });

  it('names every auth case uniquely, each under its group name', () => {
    const names = authCaseGroups.flatMap((g) => g.cases.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    for (const group of authCaseGroups)
      for (const c of group.cases) expect(c.name.startsWith(`${group.name}: `), c.name).toBe(true);
  });
});
