import { describe, expect, it } from 'vitest';
import {
  discoveryCases,
  observeConformance,
  runCase,
  skipReason,
  startReferenceServer,
  withServer,
  type ConformanceCase,
  type StartServer,
} from '../src/index.js';

/** The reference server, reported as if it were mounted under `/agent` (nothing is served there). */
const underPrefix: StartServer = async (options) => {
  const server = await startReferenceServer(options);
  return { ...server, baseUrl: `${server.baseUrl}/agent` };
};

describe('cases at the origin root (atOriginRoot)', () => {
  const rootCase = discoveryCases[0]!;

  it('run where the server is mounted at the root, and say why they are skipped elsewhere', () => {
    expect(skipReason(rootCase, 'http://127.0.0.1:8000')).toBeUndefined();
    expect(skipReason(rootCase, 'http://127.0.0.1:8000/')).toBeUndefined();
    expect(skipReason(rootCase, 'http://127.0.0.1:8000/agent')).toBe(
      'served only at the origin root, and this server is mounted at /agent',
    );
    const elsewhere: ConformanceCase = { ...rootCase, atOriginRoot: false };
    expect(skipReason(elsewhere, 'http://127.0.0.1:8000/agent')).toBeUndefined();
  });

  it('send nothing to a server under a prefix, and are left out of its observations', async () => {
    const outcome = await withServer(underPrefix, (h) => runCase(h.baseUrl, rootCase));
    expect(outcome).toMatchObject({ exchanges: [], problems: [], skipped: expect.any(String) });
    expect(await observeConformance(underPrefix, [rootCase], [])).toEqual([]);
    const atRoot = await withServer(startReferenceServer, (h) => runCase(h.baseUrl, rootCase));
    expect(atRoot.skipped).toBeUndefined();
    expect(atRoot.problems).toEqual([]);
  }, 30_000);
});

describe('sameJsonAs', () => {
  it('fails a body that differs from the named earlier one, and names a missing label', async () => {
    const differs: ConformanceCase = {
      name: 'two different documents',
      setup: [{ given: { method: 'GET', path: '/ap/v1/agent/info' } }],
      given: { method: 'GET', path: '/ap/v1/agent/tasks' },
      want: { status: 200, sameJsonAs: 'setup 1' },
      then: [
        {
          given: { method: 'GET', path: '/ap/v1/agent/tasks' },
          want: { status: 200, sameJsonAs: 'then 9' },
        },
      ],
    };
    const outcome = await withServer(startReferenceServer, (h) => runCase(h.baseUrl, differs));
    expect(outcome.problems).toEqual([
      expect.stringMatching(/^given: body: expected the same JSON as setup 1, got \{"tasks"/),
    ]);
    const same = await withServer(startReferenceServer, (h) =>
      runCase(h.baseUrl, {
        ...differs,
        want: { status: 200 },
        then: [{ ...differs.then![0]!, want: { status: 200, sameJsonAs: 'given' } }],
      }),
    );
    expect(same.problems).toEqual([]);
    const missing = await withServer(startReferenceServer, (h) =>
      runCase(h.baseUrl, { ...differs, want: { status: 200, sameJsonAs: 'then 9' } }),
    );
    expect(missing.problems).toEqual([
      'given: body: the case names no request "then 9" before this one',
    ]);
  }, 30_000);
});
