import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/**
 * The server the tests use (DEVELOPERS.md: PostgreSQL on 127.0.0.1:5432, trust auth). A test file
 * creates databases of its own on it and drops them when it ends, so files run in parallel and
 * leave nothing behind.
 */
const SERVER = 'postgres://postgres@127.0.0.1:5432';

/** The connection string of database `name` on the test server. */
export function databaseUrl(name: string): string {
  return `${SERVER}/${name}`;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabases {
  /** The connection string of the file's own database (created before its tests). */
  readonly url: string;
  /** Another fresh database, dropped with the file's. */
  create(): Promise<string>;
}

/**
 * Gives the calling test file a database `ap_test_<random>` of its own, created before its tests
 * and dropped (with any connection still open to it) after them, with every `create()`d one.
 */
export function useTestDatabases(): TestDatabases {
  const names: string[] = [];
  const create = async () => {
    const name = `ap_test_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    names.push(name);
    return databaseUrl(name);
  };
  let url: string | undefined;
  beforeAll(async () => {
    url = await create();
  });
  afterAll(async () => {
    await admin(async (client) => {
      for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  });
  return {
    get url() {
      if (!url) throw new Error('The test database is created in beforeAll.');
      return url;
    },
    create,
  };
}
