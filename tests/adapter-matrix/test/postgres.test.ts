import {
  diffObservations,
  runConformance,
  type CaseObservation,
} from '@agent-protocol/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters } from '../src/adapters.js';
import { createDatabase, onPostgres } from '../src/postgres.js';

// The whole fixture again, on the PostgreSQL store, on every adapter (PROTOCOL.md section 9: the
// shared store serves the same protocol), and their answers compared case for case.
let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
beforeAll(async () => {
  database = await createDatabase('ap_matrix');
});
afterAll(async () => {
  await database?.drop();
}, 120_000);

const observed = new Map<string, CaseObservation[]>();
for (const [name, start] of adapters) {
  const observations: CaseObservation[] = [];
  observed.set(name, observations);
  runConformance(
    `${name} on postgres`,
    onPostgres(() => database!.url, start),
    { observations },
  );
}

describe('every adapter answers identically on postgres', () => {
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
