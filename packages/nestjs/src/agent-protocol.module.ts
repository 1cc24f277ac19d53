import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type NestModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { agentProtocolMiddleware } from './agent-protocol.middleware.js';
import {
  AGENT_PROTOCOL_MODULE_OPTIONS,
  ConfigurableModuleClass,
} from './agent-protocol.module-definition.js';
import type { AgentProtocolModuleOptions } from './agent-protocol.options.js';
import { AgentProtocol, agentProtocolProvider } from './agent-protocol.provider.js';

/** The body parsers Express (and so Nest) installs, by the names body-parser gives them. */
const BODY_PARSERS = new Set(['jsonParser', 'urlencodedParser', 'textParser', 'rawParser']);

/** The part of an Express 5 application this module touches. */
interface ExpressApp {
  use(middleware: ReturnType<typeof agentProtocolMiddleware>): unknown;
  router?: { stack: { handle?: { name?: string } }[] };
}

/**
 * Serves an Agent Protocol agent from a Nest app on the Express platform:
 * `AgentProtocolModule.forRoot({ agent, dataDir })`, or `forRootAsync({ imports, inject,
 * useFactory })` to build the agent from injected services. Exports the running protocol as
 * `AgentProtocol`, and closes it when the app shuts down.
 */
@Module({ providers: [agentProtocolProvider], exports: [AgentProtocol] })
export class AgentProtocolModule
  extends ConfigurableModuleClass
  implements NestModule, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(AgentProtocol) private readonly protocol: AgentProtocol,
    @Inject(AGENT_PROTOCOL_MODULE_OPTIONS) private readonly options: AgentProtocolModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
  ) {
    super();
  }

  /**
   * Mounts the protocol under the global prefix and `path`, on the Express app itself and just
   * ahead of its body parsers: the core reads its own request bodies (JSON limits, malformed
   * JSON and streamed uploads are its to answer). The rest of the app is left as it was.
   */
  configure(): void {
    const app = this.adapterHost.httpAdapter.getInstance<ExpressApp>();
    const stack = app.router?.stack;
    if (!stack) {
      throw new Error(
        'AgentProtocolModule serves on the Express platform (@nestjs/platform-express).',
      );
    }
    const mountPath = [this.appConfig.getGlobalPrefix(), this.options.path ?? '']
      .flatMap((prefix) => prefix.split('/'))
      .filter(Boolean)
      .map((segment) => `/${segment}`)
      .join('');
    app.use(agentProtocolMiddleware(this.protocol, mountPath));
    const firstParser = stack.findIndex((layer) => BODY_PARSERS.has(layer.handle?.name ?? ''));
    if (firstParser !== -1) stack.splice(firstParser, 0, stack.pop()!);
  }

  /** Before Nest closes the HTTP server: steps stop, so their event streams end. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.protocol.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.protocol.close();
  }
}
