import { describe, expect, it } from 'vitest';
import {
  bearerGroup,
  clientFunctionCases,
  conformanceCases,
  jwtJwksGroup,
  oauth2IntrospectionGroup,
  diffObservations,
  observeConformance,
  observeOutcome,
  secretCases,
  secretsBearerGroup,
  startReferenceServer,
  type CaseOutcome,
} from '../src/index.js';

describe('observations', () => {
  it('number server-chosen ids by first appearance, so two runs compare equal', async () => {
    const cases = conformanceCases.slice(0, 12);
    const first = await observeConformance(startReferenceServer, cases, []);
    const second = await observeConformance(startReferenceServer, cases, []);
    expect(first).toHaveLength(12);
    expect(diffObservations(first, second)).toEqual([]);
    expect(JSON.stringify(first)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  }, 60_000);

  it('compare auth cases across runs, whose JWKS and introspection ports differ', async () => {
    const groups = [bearerGroup, jwtJwksGroup, oauth2IntrospectionGroup];
    const first = await observeConformance(startReferenceServer, [], groups);
    const second = await observeConformance(startReferenceServer, [], groups);
    expect(first).toHaveLength(groups.reduce((n, g) => n + g.cases.length, 0));
    expect(diffObservations(first, second)).toEqual([]);
    expect(first.every((o) => o.conforms)).toBe(true);
    expect(JSON.stringify(first)).not.toMatch(/127\.0\.0\.1:\d/);
  }, 60_000);

  it('compare secrets and function calls across runs: ids, call ids and timestamps normalised', async () => {
    const cases = [...secretCases, ...clientFunctionCases];
    const first = await observeConformance(startReferenceServer, cases, [secretsBearerGroup]);
    const second = await observeConformance(startReferenceServer, cases, [secretsBearerGroup]);
    expect(diffObservations(first, second)).toEqual([]);
    expect(first.every((o) => o.conforms)).toBe(true);
    const text = JSON.stringify(first);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(text).toContain('"created_at":"<time>"');
  }, 120_000);

  it('report each differing exchange, and cases only one side ran', () => {
    const outcome = (name: string, status: number): CaseOutcome => ({
      name,
      vars: {},
      problems: [],
      exchanges: [
        {
          label: 'given',
          request: { method: 'GET', path: '/x' },
          observed: { status, headers: {}, body: Buffer.from('{}'), json: {} },
          problems: [],
        },
      ],
    });
    const a = [observeOutcome(outcome('one', 200)), observeOutcome(outcome('two', 200))];
    const b = [observeOutcome(outcome('one', 404))];
    const diff = diffObservations(a, b);
    expect(diff).toHaveLength(2);
    expect(diff[0]).toMatch(/^one \/ given: .*"status":200.*≠.*"status":404/);
    expect(diff[1]).toBe('two: only in the first run');
  });
});
