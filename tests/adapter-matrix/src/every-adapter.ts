import {
  diffObservations,
  runConformance,
  type CaseObservation,
  type StartServer,
} from '@agent-protocol/conformance';
import { describe, expect, it } from 'vitest';
import { adapters } from './adapters.js';

/**
 * One table: the whole fixture on every adapter (each start wrapped by `wrap`, e.g. to give it
 * another store), then their answers compared case for case. A case that passes on one adapter
 * and fails on another is a bug in that adapter or the boundary.
 */
export function fixtureOnEveryAdapter(
  suffix = '',
  wrap: (start: StartServer) => StartServer = (start) => start,
): void {
  const observed = new Map<string, CaseObservation[]>();
  for (const [name, start] of adapters) {
    const observations: CaseObservation[] = [];
    observed.set(name, observations);
    runConformance(`${name}${suffix}`, wrap(start), { observations });
  }

  describe(`every adapter answers identically${suffix}`, () => {
    const [[first]] = adapters as [[string, unknown]];
    it.each(adapters.slice(1).map(([name]) => name))(
      `%s answers every case exactly as ${first} does`,
      (name) => {
        const mine = observed.get(name)!;
        const reference = observed.get(first)!;
        expect(mine.length).toBeGreaterThan(0);
        expect(mine.length).toBe(reference.length);
        expect(diffObservations(mine, reference)).toEqual([]);
      },
    );
  });
}
