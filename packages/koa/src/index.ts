import {
  createAgentProtocol,
  fromIncomingMessage,
  type AgentProtocol,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';

const ROUTE = '/ap/{*rest}';

export interface KoaAdapterOptions {
  /**
   * Path prefix the agent is served under (`/agent` serves `/agent/ap/v1/...`); parameters such
   * as `/t/:tenant` work. Routers nested with `parent.use('/outer', router.routes())` add their
   * prefix too.
   * @default ''
   */
  prefix?: string;
}

/** A @koa/router Router serving the Agent Protocol, with its protocol for `close()`. */
export type AgentRouter = Router & { protocol: AgentProtocol };

/** Writes the core's answer through Koa, which owns the response. */
function respond(ctx: Context, response: Awaited<ReturnType<AgentProtocol['handle']>>): void {
  ctx.status = response.status;
  ctx.set(response.headers);
  const { body } = response;
  if (body?.kind === 'stream') {
    ctx.body = body.stream;
  } else if (body) {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = JSON.stringify(body.value);
  } else {
    ctx.body = null;
  }
}

/** The Koa middleware itself, for apps that route without @koa/router. `path` maps ctx to the agent's path. */
export function agentMiddleware(
  protocol: AgentProtocol,
  path: (ctx: Context) => string = (ctx) => ctx.path,
): Middleware {
  return async (ctx) => {
    const parsed = (ctx.request as { body?: unknown }).body;
    respond(ctx, await protocol.handle(fromIncomingMessage(ctx.req, path(ctx), parsed)));
  };
}

/**
 * A Koa 3 router serving `/ap/...` under `prefix`: `app.use(agentRouter({ agent }).routes())`.
 * Works with or without a body parser in front of it.
 */
export function agentRouter(
  options: (AgentProtocolOptions | { protocol: AgentProtocol }) & KoaAdapterOptions,
): AgentRouter {
  const protocol = 'protocol' in options ? options.protocol : createAgentProtocol(options);
  const router = new Router(options.prefix ? { prefix: options.prefix } : {}) as AgentRouter;
  // ctx.routerPath is the full matched pattern, outer prefixes included. Each of its segments
  // before ours matches one path segment (`/t/:tenant` too), so our path starts after as many.
  const strip = (ctx: Context) => {
    const prefixSegments = (ctx.routerPath ?? ROUTE).split('/').length - ROUTE.split('/').length;
    return `/${ctx.path
      .split('/')
      .slice(1 + prefixSegments)
      .join('/')}`;
  };
  router.all(ROUTE, agentMiddleware(protocol, strip));
  router.protocol = protocol;
  return router;
}
