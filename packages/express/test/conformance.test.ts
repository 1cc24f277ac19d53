import {
  diffObservations,
  observeConformance,
  runConformance,
  startReferenceServer,
  type StartServer,
} from '@agent-protocol/conformance';
import express from 'express';
import { expect, it } from 'vitest';
import { agentRouter } from '../src/index.js';
import { listen } from './listen.js';

const startExpress: StartServer = async ({ agent, dataDir, limits }) => {
  const router = agentRouter({ agent, dataDir, limits });
  const app = express();
  app.use(router);
  const server = await listen(app);
  return {
    baseUrl: server.url,
    async close() {
      await server.close();
      await router.protocol.close();
    },
  };
};

runConformance('express', startExpress);

it('answers every case exactly as the core’s own node:http bridge does', async () => {
  const [viaExpress, viaCore] = [
    await observeConformance(startExpress),
    await observeConformance(startReferenceServer),
  ];
  expect(diffObservations(viaExpress, viaCore)).toEqual([]);
}, 120_000);
