import {
  createAgentProtocol,
  DISCOVERY_PATH,
  fromIncomingMessage,
  isProtocolPath,
  notFoundResponse,
  PROBE_PATHS,
  writeNodeResponse,
  type AgentProtocol,
  type AgentProtocolOptions,
  type CoreResponse,
} from '@agent-protocol/core';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';

const ROUTE = '/ap/{*rest}';

export interface KoaAdapterOptions {
  /**
   * Path prefix the agent is served under (`/agent` serves `/agent/ap/v1/...`); parameters such
   * as `/t/:tenant` work. Routers nested with `parent.use('/outer', router.routes())` add their
   * prefix too. Only without any prefix is the discovery document served (at the origin root).
   * @default ''
   */
  prefix?: string;
}

/** A @koa/router Router serving the Agent Protocol, with its protocol for `close()`. */
export type AgentRouter = Router & { protocol: AgentProtocol };

/** Writes the core's answer through Koa, which owns the response. */
function respond(ctx: Context, response: CoreResponse): void {
  ctx.status = response.status;
  ctx.set(response.headers);
  const { body } = response;
  if (body?.kind === 'stream') {
    // Streams (artifact downloads, step events) go through the shared node bridge, past Koa: each
    // event is flushed as written, and a client that leaves is not an application error.
    ctx.respond = false;
    void writeNodeResponse(ctx.res, response);
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
 * Where the agent is mounted and the path below it. ctx.routerPath is the full matched pattern,
 * outer prefixes included. Each of its segments before `route` matches one path segment
 * (`/t/:tenant` too), so the mount point is as many segments of ctx.path.
 */
function locate(ctx: Context, route: string): { mountPath: string; path: string } {
  const prefixSegments = (ctx.routerPath ?? route).split('/').length - route.split('/').length;
  const segments = ctx.path.split('/');
  return {
    mountPath: segments.slice(0, 1 + prefixSegments).join('/'),
    path: `/${segments.slice(1 + prefixSegments).join('/')}`,
  };
}

/**
 * A Koa 3 router serving `/ap/...` under `prefix`: `app.use(agentRouter({ agent }).routes())`.
 * Without a prefix (and not nested under one) it also serves the discovery document at
 * `/.well-known/agent-protocol`. Works with or without a body parser in front of it.
 */
export function agentRouter(
  options: (AgentProtocolOptions | { protocol: AgentProtocol }) & KoaAdapterOptions,
): AgentRouter {
  const protocol = 'protocol' in options ? options.protocol : createAgentProtocol(options);
  const router = new Router(options.prefix ? { prefix: options.prefix } : {}) as AgentRouter;
  const serve =
    (route: string): Middleware =>
    async (ctx, next) => {
      const { mountPath, path } = locate(ctx, route);
      // The discovery document exists only at the origin root: nested under a prefix, pass.
      if (route === DISCOVERY_PATH && !isProtocolPath(path, mountPath)) return next();
      const parsed = (ctx.request as { body?: unknown }).body;
      respond(
        ctx,
        await protocol.handle({ ...fromIncomingMessage(ctx.req, path, parsed), mountPath }),
      );
    };
  router.all(ROUTE, serve(ROUTE));
  for (const probe of PROBE_PATHS) router.all(probe, serve(probe));
  if (!options.prefix) router.all(DISCOVERY_PATH, serve(DISCOVERY_PATH));
  router.protocol = protocol;
  return router;
}

/**
 * The core's JSON 404 for every request nothing else in the app answered, instead of Koa's
 * `text/plain` "Not Found": `{"message": "No operation at GET /nope.", "code": "not_found"}`,
 * the same error shape as every protocol error. It acts once the middleware after it is done,
 * on a response still without a body and status 404: `app.use(agentNotFound())` first, ahead of
 * the routers.
 */
export function agentNotFound(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body == null) {
      respond(ctx, notFoundResponse(ctx.method, ctx.path));
    }
  };
}
