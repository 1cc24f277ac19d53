import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartOptions, StartServer } from '@agent-protocol/conformance';
import { PostgresStore } from '@agent-protocol/postgres';
import pg from 'pg';

/** The machine's PostgreSQL (DEVELOPERS.md): trust authentication, user `postgres`. */
const SERVER = process.env.AGENT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A database of this run's own, dropped afterwards. */
export async function createDatabase(
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: `${SERVER}/${name}`,
    async drop() {
      const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Every data directory of the run (all adapters share the database), with its schema and key. */
const byDataDir = new Map<string, { schema: string; key: string }>();

/**
 * Starts the adapter's server on a PostgreSQL store instead of the embedded default. Each data
 * directory the fixture makes gets a schema of its own (a fresh server sees an empty store, a
 * restart on the same directory sees what it left) and a secrets key of its own.
 */
export function onPostgres(databaseUrl: () => string, start: StartServer): StartServer {
  return async (options: StartOptions) => {
    let own = byDataDir.get(options.dataDir);
    if (!own) {
      own = { schema: `fx_${byDataDir.size + 1}`, key: randomBytes(32).toString('base64') };
      byDataDir.set(options.dataDir, own);
    }
    const store = await PostgresStore.connect({
      connectionString: databaseUrl(),
      schema: own.schema,
      poolSize: 4,
      leaseMs: 2_000,
    });
    const withStore = { ...options, store, secretsKey: { key: own.key } } as StartOptions;
    let server;
    try {
      server = await start(withStore);
    } catch (error) {
      await store.close();
      throw error;
    }
    return { ...server, dumpStore: () => dumpSchema(store, options.dataDir) };
  };
}

/**
 * Every row of every table of the store's schema, as PostgreSQL renders it (`bytea` as hex), in
 * one file of the data dir: what the fixture's secret checks grep.
 */
async function dumpSchema(store: PostgresStore, dataDir: string): Promise<void> {
  const tables = await store.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [store.schema],
  );
  const lines: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await store.pool.query<{ row: string }>(
      `SELECT t::text AS row FROM ${pg.escapeIdentifier(table_name)} t`,
    );
    for (const { row } of rows.rows) lines.push(`${table_name} ${row}`);
  }
  await writeFile(join(dataDir, 'postgres-dump.txt'), lines.join('\n'));
}
