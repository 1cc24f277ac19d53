import type { Logger, Store } from '@agent-protocol/core';
import { PostgresStore, redactConnectionString } from '@agent-protocol/postgres';
import type { DatabaseConfig, ExampleConfig } from './config.js';

/**
 * Where the data lives, for the start line: the data directory, or the database as host/name.
 * Only the host and the database name are shown, never the user info or the query (which may
 * carry a password under another name, `sslpassword`); a connection string that is not a URL
 * (node-postgres also takes a socket path) is shown with its password replaced by `***`.
 */
export function describeStorage(config: ExampleConfig): string {
  if (!config.database) return config.dataDir;
  const { url } = config.database;
  try {
    const parsed = new URL(url);
    const host = parsed.host || parsed.searchParams.get('host') || 'localhost';
    return `PostgreSQL ${host}${parsed.pathname || '/'}`;
  } catch {
    return `PostgreSQL ${redactConnectionString(url)}`;
  }
}

/**
 * The store to hand the core: a PostgreSQL store shared with the other replicas when
 * `AGENT_DATABASE_URL` is set, else undefined (the core's embedded SQLite store in the data
 * directory, as before). Migrates the database (replicas starting together take turns).
 */
export async function openStore(
  database: DatabaseConfig | undefined,
  logger: Logger,
): Promise<Store | undefined> {
  if (!database) return undefined;
  return PostgresStore.connect({
    connectionString: database.url,
    poolSize: database.poolSize,
    leaseMs: database.leaseMs,
    logger,
  });
}
