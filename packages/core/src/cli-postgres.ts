import { pathToFileURL } from 'node:url';
import { resolveInstalled } from './installed.js';
import type { Store } from './store/types.js';

/** The part of `@agent-protocol/postgres` the command line uses. */
interface PostgresModule {
  PostgresStore: {
    connect(options: { connectionString: string; schema?: string }): Promise<Store>;
  };
}

/** `@agent-protocol/postgres`: not a dependency of the core, so SQLite users never install a driver. */
async function postgresModule(): Promise<PostgresModule> {
  const entry = resolveInstalled('@agent-protocol/postgres');
  if (entry === undefined) {
    throw new Error(
      'A PostgreSQL database needs @agent-protocol/postgres: install it in this project (npm install @agent-protocol/postgres) and run the command from there.',
    );
  }
  return (await import(pathToFileURL(entry).href)) as PostgresModule;
}

/** Opens the shared store (migrating it like a server would). The password is never printed. */
export async function openPostgresStore(connectionString: string, schema?: string): Promise<Store> {
  const { PostgresStore } = await postgresModule();
  return PostgresStore.connect({ connectionString, ...(schema && { schema }) });
}
