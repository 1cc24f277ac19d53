import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (DEVELOPERS.md): trust authentication, user `postgres`. */
const SERVER = process.env.AGENT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A database of this run's own: the replicas' only shared state. */
export interface TestDatabase {
  name: string;
  url: string;
  /** Drops it, disconnecting whoever is still connected (a replica killed mid-query). */
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `<prefix>_<random>`: empty, so the replicas that start on it migrate it. */
export async function createDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: `${SERVER}/${name}`,
    drop: async () => {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
