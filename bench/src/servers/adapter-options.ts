import {
  ANONYMOUS,
  MemoryStore,
  SqliteStore,
  type AgentProtocol,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import { echoAgent } from '../agent.js';
import { ALICE, BEARER_AUTH } from '../auth.js';
import type { ChildConfig } from '../protocol.js';

/** The store a child runs on, with what that store needs beside it. */
async function storeOptions(
  config: ChildConfig,
): Promise<Pick<AgentProtocolOptions, 'store' | 'secretsKey'>> {
  switch (config.store) {
    case 'memory':
      return { store: new MemoryStore() };
    case 'sqlite':
      return { store: new SqliteStore({ dataDir: config.dataDir }) };
    case 'postgres': {
      const pg = config.postgres;
      if (!pg) throw new Error('store "postgres" needs config.postgres');
      // Imported here only: the other children never load pg.
      const { PostgresStore } = await import('@agent-protocol/postgres');
      return {
        // The package's defaults (a pool of 10, 15 s leases): what a user gets.
        store: await PostgresStore.connect({
          connectionString: pg.connectionString,
          schema: pg.schema,
        }),
        // A shared store refuses to start without one: replicas must open each other's secrets.
        secretsKey: { key: pg.secretsKey },
      };
    }
  }
}

/**
 * What every adapter is given, whatever its framework: the echo agent, the store, the upload
 * limit and (for the auth comparison) bearer tokens. One place, so adapters differ only in how
 * they mount. Async because a PostgresStore connects (and migrates) before it is handed over.
 */
export async function adapterOptions(config: ChildConfig): Promise<AgentProtocolOptions> {
  return {
    agent: echoAgent,
    dataDir: config.dataDir,
    ...(await storeOptions(config)),
    limits: { maxUploadBytes: 512 * 1024 * 1024 },
    ...(config.auth ? { auth: BEARER_AUTH } : {}),
  };
}

/** Seeds tasks through the protocol's own service, owned by whoever the requests will be. */
export async function seedThroughService(
  protocol: AgentProtocol,
  config: ChildConfig,
  count: number,
): Promise<string[]> {
  const principal = config.auth ? ALICE : ANONYMOUS;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await protocol.service.createTask(principal, { input: `seeded task ${i}` })).task_id);
  }
  return ids;
}
