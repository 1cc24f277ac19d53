import { AgentProtocolModule } from '@agent-protocol/nestjs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runExample } from 'example-shared';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

await runExample('nestjs', async (options, { port, host }) => {
  @Module({ imports: [AgentProtocolModule.forRoot(options)] })
  class AppModule {}

  // Nest itself logs only warnings and errors: the core logs one line per request.
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(port, host);
  return {
    port: ((app.getHttpServer() as Server).address() as AddressInfo).port,
    // Closes the server (requests in flight finish), then the module closes the protocol.
    close: () => app.close(),
  };
});
