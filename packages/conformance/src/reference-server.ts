import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAgentProtocol,
  fromIncomingMessage,
  pathUnder,
  writeNodeResponse,
} from '@agent-protocol/core';
import { closeServer } from './close-server.js';
import type { StartServer } from './server.js';

/**
 * The core served by its own node:http bridge, with no framework: the baseline an adapter is
 * compared against (`diffObservations`), and what the fixture tests itself with.
 */
export const startReferenceServer: StartServer = async (options) => {
  // Every option, whole: what the fixture adds later (like `auth`) reaches the core unpicked.
  const protocol = createAgentProtocol({ ...options });
  const server = createServer((req, res) => {
    void protocol
      .handle(fromIncomingMessage(req, pathUnder(req.url ?? '/', '')!))
      .then((response) => writeNodeResponse(res, response))
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      // Requests in flight finish (a second at most) before the store closes under them.
      await closeServer(server);
      await protocol.close();
    },
  };
};
