import { consoleLogger } from '@agent-protocol/core';
import { referenceAgent } from '@agent-protocol/conformance';
import { agentRouter } from '@agent-protocol/express';
import express from 'express';
import { readConfig } from './config.js';

const config = readConfig();
const app = express();
const router = agentRouter({
  agent: referenceAgent,
  dataDir: config.dataDir,
  logger: consoleLogger,
});
app.use(router);

const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(
    `Agent Protocol server on http://${config.host}:${port}/ap/v1/agent/tasks (data in ${config.dataDir})`,
  );
});

function shutdown(signal: string): void {
  console.log(`${signal} received, shutting down`);
  server.close(() => {
    void router.protocol.close().then(() => process.exit(0));
  });
  server.closeIdleConnections();
  // Requests in flight get a few seconds to finish; then we go anyway.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
