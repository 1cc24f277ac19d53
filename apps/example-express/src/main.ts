import { agentNotFound, agentRouter } from '@agent-protocol/express';
import { serveDocs } from 'docs';
import express from 'express';
import { closeServer, runExample } from 'example-shared';
import type { AddressInfo } from 'node:net';
import { playground } from './playground.js';

await runExample('express', async (options, { port, host }) => {
  const router = agentRouter(options);
  // The docs site (built by `pnpm start`) rides along at /docs/ and a page to try the agent at /;
  // whatever nothing answered gets the core's JSON 404, never Express' HTML page.
  const app = express()
    .use(router)
    .use('/docs', serveDocs())
    .use(playground())
    .use(agentNotFound());
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  return {
    port: (server.address() as AddressInfo).port,
    alsoServes: { '/': 'Try it in a browser', '/docs/': 'Docs' },
    async close() {
      // Steps first (new ones 503, running ones get the grace period): their streams end.
      await router.protocol.stop();
      await closeServer(server);
      await router.protocol.close();
    },
  };
});
