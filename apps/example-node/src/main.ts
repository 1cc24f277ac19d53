import { createAgentServer } from '@agent-protocol/node';
import { runExample } from 'example-shared';

await runExample('node:http', async (options, { port, host }) => {
  const server = createAgentServer(options);
  const address = await server.listen(port, host);
  return { port: address.port, close: () => server.close() };
});
