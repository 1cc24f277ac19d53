import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReferenceAgent } from '@agent-protocol/conformance';
import type { AgentDefinition, Logger, OAuthProvider, Store } from '@agent-protocol/core';
import { createRequestListener } from '@agent-protocol/node';
import { introspect } from './introspect.js';
import { CLIENT_ID, CLIENT_SECRET, type RunningProvider } from './provider.js';

/** The provider's name in the agent, as `use oauth demo` and `introspect demo` say it. */
export const PROVIDER = 'demo';
/** Bearer tokens of the two principals. */
export const PRINCIPALS = { alice: 'bt-alice-Qw8Rt5Yu2Io9', bob: 'bt-bob-Zx4Cv7Bn1Ml3' } as const;
/** Seconds before expiry an access token is refreshed (short: the provider's tokens live 6 s). */
export const REFRESH_MARGIN_SECONDS = 1;

const INTROSPECT = /^\s*introspect\s+(\S+)\s*$/i;

/**
 * The reference agent with the provider declared, plus one word of this test's own:
 * `introspect <provider>` takes a token with `ctx.oauth.token` and asks the provider's
 * introspection endpoint about it, answering what the provider says and a SHA-256 of the token
 * (so the test can tell which issued token was used, without the token ever being in a response).
 * It also logs the token, on purpose: the mistake a handler makes, which the server must mask.
 */
function testAgent(provider: RunningProvider, declared: OAuthProvider): AgentDefinition {
  const reference = createReferenceAgent({ oauthProviders: { [PROVIDER]: declared } });
  return {
    ...reference,
    async onStep(args) {
      const words = INTROSPECT.exec(args.input ?? '');
      if (!words) return reference.onStep(args);
      const token = await args.ctx.oauth.token(words[1]!);
      args.ctx.log.info(`introspecting the token ${token}`);
      const found = await introspect(
        provider.introspectionEndpoint,
        { id: CLIENT_ID, secret: CLIENT_SECRET },
        token,
      );
      return {
        name: 'introspect',
        output: `active: ${found.active}`,
        additional_output: {
          ...found,
          token_sha256: createHash('sha256').update(token).digest('hex'),
        },
      };
    },
  };
}

export interface AgentServer {
  baseUrl: string;
  /** Every line the server logged, across restarts. */
  log: string[];
  /** Stops the server and starts it again on the same port and data dir (a fresh process's state). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface AgentServerOptions {
  port: number;
  dataDir: string;
  provider: RunningProvider;
  /**
   * Opens the store at each start (one shared by replicas, which then need `secretsKey`).
   * @default SQLite in `dataDir`
   */
  store?: () => Promise<Store>;
  /** The secrets key, the same in every replica. @default one generated in `dataDir` */
  secretsKey?: string;
  /** How long a sign-in link works. @default the core's */
  loginTtlSeconds?: number;
}

/** A free port on 127.0.0.1, chosen now: the redirect URI registered at the provider names it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The reference agent (with the test's word) served by the node adapter on a SQLite data dir (or
 * the store given), with bearer auth for two principals, the provider declared as an operator
 * would (issuer discovery, client id and secret), and every log line captured.
 */
export async function startAgentServer(options: AgentServerOptions): Promise<AgentServer> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const log: string[] = [];
  const logger: Logger = {
    info: (message) => void log.push(message),
    error: (message, error) =>
      void log.push(
        `${message} ${error instanceof Error ? (error.stack ?? error.message) : String(error ?? '')}`,
      ),
  };
  const declared: OAuthProvider = {
    issuer: options.provider.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ['openid', 'profile'],
    description: 'The test provider, to see who you are there.',
    refreshMarginSeconds: REFRESH_MARGIN_SECONDS,
    allowInsecureRequests: true,
  };
  const start = async () => {
    const listener = createRequestListener({
      agent: testAgent(options.provider, declared),
      dataDir: options.dataDir,
      ...(options.store && { store: await options.store() }),
      ...(options.secretsKey && { secretsKey: { key: options.secretsKey } }),
      logger,
      auth: {
        strategy: 'bearer',
        tokens: { [PRINCIPALS.alice]: 'alice', [PRINCIPALS.bob]: 'bob' },
      },
      oauth: {
        redirectBaseUrl: baseUrl,
        ...(options.loginTtlSeconds && { loginTtlSeconds: options.loginTtlSeconds }),
      },
      shutdownGraceMs: 500,
    });
    const server: Server = createServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', resolve);
    });
    return {
      async close() {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await listener.protocol.stop();
        server.closeAllConnections();
        await closed;
        await listener.protocol.close();
      },
    };
  };
  let running = await start();
  return {
    baseUrl,
    log,
    async restart() {
      await running.close();
      running = await start();
    },
    close: () => running.close(),
  };
}
