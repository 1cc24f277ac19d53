import {
  diffObservations,
  observeConformance,
  runConformance,
  startReferenceServer,
  type StartServer,
} from '@agent-protocol/conformance';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { agentRouter } from '../src/index.js';

const startKoa: StartServer = async ({ agent, dataDir, limits }) => {
  const router = agentRouter({ agent, dataDir, limits });
  const app = new Koa();
  app.use(router.routes()).use(router.allowedMethods());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      await new Promise((resolve) => server.close(resolve));
      clearTimeout(force);
      await router.protocol.close();
    },
  };
};

runConformance('koa', startKoa);

it('answers every case exactly as the core’s own node:http bridge does', async () => {
  const [viaAdapter, viaCore] = [
    await observeConformance(startKoa),
    await observeConformance(startReferenceServer),
  ];
  expect(diffObservations(viaAdapter, viaCore)).toEqual([]);
}, 120_000);
