import {
  diffObservations,
  runConformance,
  type CaseObservation,
} from '@agent-protocol/conformance';
import { describe, expect, it } from 'vitest';
import { adapters } from '../src/adapters.js';

// One table: the whole fixture on every adapter, then their answers compared case for case. A
// case that passes on one adapter and fails on another is a bug in that adapter or the boundary.
const observed = new Map<string, CaseObservation[]>();
for (const [name, start] of adapters) {
  const observations: CaseObservation[] = [];
  observed.set(name, observations);
  runConformance(name, start, { observations });
}

describe('every adapter answers identically', () => {
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
