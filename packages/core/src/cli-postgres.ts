import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Store } from './store/types.js';

/** The part of `@agent-protocol/postgres` the command line uses. */
interface PostgresModule {
  PostgresStore: {
    connect(options: { connectionString: string; schema?: string }): Promise<Store>;
  };
}

/**
 * `@agent-protocol/postgres`, found where the command line runs (a project that installed it) or
 * beside the core. Not a dependency of the core: SQLite users never install a Postgres driver.
 */
async function postgresModule(): Promise<PostgresModule> {
  const bases = [pathToFileURL(join(process.cwd(), 'noop.js')).href, import.meta.url];
  for (const base of bases) {
    let entry: string;
    try {
      entry = createRequire(base).resolve('@agent-protocol/postgres');
    } catch {
      continue; // Not installed there: try the next place.
    }
    return (await import(pathToFileURL(entry).href)) as PostgresModule;
  }
  throw new Error(
    'A PostgreSQL database needs @agent-protocol/postgres: install it in this project (npm install @agent-protocol/postgres) and run the command from there.',
  );
}

/** Opens the shared store (migrating it like a server would). The password is never printed. */
export async function openPostgresStore(connectionString: string, schema?: string): Promise<Store> {
  const { PostgresStore } = await postgresModule();
  return PostgresStore.connect({ connectionString, ...(schema && { schema }) });
}
