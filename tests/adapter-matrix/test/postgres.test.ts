import { afterAll, beforeAll } from 'vitest';
import { fixtureOnEveryAdapter } from '../src/every-adapter.js';
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

fixtureOnEveryAdapter(' on postgres', (start) => onPostgres(() => database!.url, start));
