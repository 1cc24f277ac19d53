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

/**
 * What every adapter is given, whatever its framework: the echo agent, the store, the upload
 * limit and (for the auth comparison) bearer tokens. One place, so adapters differ only in how
 * they mount.
 */
export function adapterOptions(config: ChildConfig): AgentProtocolOptions {
  return {
    agent: echoAgent,
    dataDir: config.dataDir,
    store:
      config.store === 'memory' ? new MemoryStore() : new SqliteStore({ dataDir: config.dataDir }),
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
