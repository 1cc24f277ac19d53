import { ANONYMOUS, MemoryStore, SqliteStore } from '@agent-protocol/core';
import { agentRouter } from '@agent-protocol/express';
import express, { type Express } from 'express';
import { echoAgent } from '../agent.js';

export interface AdapterServer {
  app: Express;
  /** Creates `count` tasks through the protocol's own service (no HTTP). */
  seed(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The Express adapter as an application would mount it: `app.use(agentRouter(...))`. */
export function createAdapterServer(options: {
  store: 'memory' | 'sqlite';
  dataDir: string;
}): AdapterServer {
  const router = agentRouter({
    agent: echoAgent,
    dataDir: options.dataDir,
    store:
      options.store === 'memory'
        ? new MemoryStore()
        : new SqliteStore({ dataDir: options.dataDir }),
    limits: { maxUploadBytes: 512 * 1024 * 1024 },
  });
  const app = express();
  app.use(router);
  return {
    app,
    async seed(count) {
      for (let i = 0; i < count; i++) {
        await router.protocol.service.createTask(ANONYMOUS, { input: `seeded task ${i}` });
      }
    },
    close: () => router.protocol.close(),
  };
}
