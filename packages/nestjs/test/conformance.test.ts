import { runConformance, type StartServer } from '@agent-protocol/conformance';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AgentProtocolModule } from '../src/index.js';
import { listen } from './listen.js';

/**
 * A Nest app on the default (Express) platform whose only module is ours. Every start option is
 * handed on whole (agent, data dir, limits, auth, ...): never a pick of the ones known today.
 */
function startNest(mount: { globalPrefix?: string; path?: string } = {}): StartServer {
  return async (options) => {
    @Module({ imports: [AgentProtocolModule.forRoot({ ...options, path: mount.path })] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    if (mount.globalPrefix) app.setGlobalPrefix(mount.globalPrefix);
    const server = await listen(app);
    const prefix = [mount.globalPrefix, mount.path].filter(Boolean).join('/');
    return { baseUrl: prefix ? `${server.url}/${prefix}` : server.url, close: server.close };
  };
}

// At the root, the shared matrix (tests/adapter-matrix) runs the fixture on every adapter.
// Under Nest's global prefix and the module's own `path`, it serves exactly what it serves at the root.
runConformance('nestjs, at /api/agent', startNest({ globalPrefix: 'api', path: 'agent' }));
