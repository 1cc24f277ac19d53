import {
  diffObservations,
  observeConformance,
  runConformance,
  startReferenceServer,
  type StartServer,
} from '@agent-protocol/conformance';
import { expect, it } from 'vitest';
import { createAgentServer } from '../src/index.js';

const startNode: StartServer = async ({ agent, dataDir, limits }) => {
  const server = createAgentServer({ agent, dataDir, limits });
  const { port } = await server.listen(0, '127.0.0.1');
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => server.close() };
};

runConformance('node:http', startNode);

it('answers every case exactly as the core’s own node:http bridge does', async () => {
  const [viaAdapter, viaCore] = [
    await observeConformance(startNode),
    await observeConformance(startReferenceServer),
  ];
  expect(diffObservations(viaAdapter, viaCore)).toEqual([]);
}, 120_000);
