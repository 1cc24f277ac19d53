import { agentNotFound, agentRouter } from '@agent-protocol/koa';
import Koa from 'koa';
import { closeServer, runExample } from 'example-shared';
import type { AddressInfo } from 'node:net';

await runExample('koa', async (options, { port, host }) => {
  const router = agentRouter(options);
  // First: once the router is done, whatever it left unanswered gets the core's JSON 404, not
  // Koa's text. (No allowedMethods(): the router takes every method, the core answers 405.)
  const app = new Koa().use(agentNotFound()).use(router.routes());
  const server = app.listen(port, host);
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      // Steps first (new ones 503, running ones get the grace period): their streams end.
      await router.protocol.stop();
      await closeServer(server);
      await router.protocol.close();
    },
  };
});
