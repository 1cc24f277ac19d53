import 'reflect-metadata';
import { AgentProtocol, AgentProtocolModule } from '@agent-protocol/nestjs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ChildConfig } from '../protocol.js';
import { adapterOptions, seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/**
 * The NestJS module as its README mounts it, `AgentProtocolModule.forRoot(...)`, in an app on
 * Nest's default Express platform with Nest's default body parsers (the module sits ahead of them).
 */
export async function createNestAdapter(config: ChildConfig): Promise<BenchServer> {
  const options = await adapterOptions(config);

  @Module({ imports: [AgentProtocolModule.forRoot(options)] })
  class AppModule {}

  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false });
  app.set('etag', false); // as in the bare app (the module writes its answers itself anyway)
  await app.init();
  const protocol = app.get<AgentProtocol>(AgentProtocol);
  return {
    server: app.getHttpServer(),
    seed: (count) => seedThroughService(protocol, config, count),
    close: () => app.close(), // closes the protocol too (onApplicationShutdown)
  };
}
