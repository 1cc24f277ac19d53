import { agentRouter } from '@agent-protocol/koa';
import Koa from 'koa';
import { closeServer, runExample } from 'example-shared';
import type { AddressInfo } from 'node:net';

await runExample('koa', async (options, { port, host }) => {
  const router = agentRouter(options);
  const app = new Koa().use(router.routes()).use(router.allowedMethods());
  const server = app.listen(port, host);
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await closeServer(server);
      await router.protocol.close();
    },
  };
});
