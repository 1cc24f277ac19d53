import { closeServer, type StartServer } from '@agent-protocol/conformance';
import { agentRouter as expressRouter } from '@agent-protocol/express';
import { agentRouter as koaRouter } from '@agent-protocol/koa';
import { AgentProtocolModule } from '@agent-protocol/nestjs';
import { createAgentServer } from '@agent-protocol/node';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Koa from 'koa';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { urlOf } from './listen.js';

// Each start function hands every option on whole (agent, data dir, limits, auth, ...): the
// fixture decides the server's configuration, never the adapter's test.

const startExpress: StartServer = async (options) => {
  const router = expressRouter({ ...options });
  const server = express().use(router).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: urlOf(server),
    close: async () => {
      await closeServer(server);
      await router.protocol.close();
    },
  };
};

const startKoa: StartServer = async (options) => {
  const router = koaRouter({ ...options });
  const server = new Koa().use(router.routes()).use(router.allowedMethods()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: urlOf(server),
    close: async () => {
      await closeServer(server);
      await router.protocol.close();
    },
  };
};

const startNest: StartServer = async (options) => {
  @Module({ imports: [AgentProtocolModule.forRoot({ ...options })] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  // app.close() closes the server, then the module closes the protocol.
  return { baseUrl: urlOf(server), close: () => closeServer(server, () => app.close()) };
};

const startNode: StartServer = async (options) => {
  const agentServer = createAgentServer({ ...options });
  await agentServer.listen(0, '127.0.0.1');
  return {
    baseUrl: urlOf(agentServer.server),
    close: () => closeServer(agentServer.server, () => agentServer.close()),
  };
};

/** The adapters, in the order the matrix runs them; the first is what the others are compared with. */
export const adapters: [name: string, start: StartServer][] = [
  ['express', startExpress],
  ['koa', startKoa],
  ['nestjs', startNest],
  ['node:http', startNode],
];
