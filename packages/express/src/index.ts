import {
  createAgentProtocol,
  errorResponse,
  fromIncomingMessage,
  isProtocolPath,
  notFoundResponse,
  writeNodeResponse,
  type AgentProtocol,
  type AgentProtocolOptions,
  type CoreResponse,
} from '@agent-protocol/core';
import { Router, type Request, type RequestHandler, type Response } from 'express';

/** Everything `createAgentProtocol` takes: the agent, data directory, store, limits, logger. */
export type AgentRouterOptions = AgentProtocolOptions;

/** An Express Router with the protocol attached, for `close()` on shutdown. */
export type AgentRouter = Router & { protocol: AgentProtocol };

/** Writes the core's answer; if even that fails, the connection is cut (never an HTML page). */
async function send(res: Response, response: CoreResponse): Promise<void> {
  await writeNodeResponse(res, response).catch(() => res.destroy());
}

/** The path the client asked for, as it sent it, without the query. */
function requestedPath(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * An Express 5 Router serving the Agent Protocol. Mount it anywhere:
 * `app.use(agentRouter({ agent }))` serves `/ap/v1/...` and the discovery document at
 * `/.well-known/agent-protocol`; `app.use('/agent', ...)` serves `/agent/ap/v1/...` (and no
 * discovery document: it exists only at the origin root). Works with or without
 * `express.json()` in front of it.
 */
export function agentRouter(
  options: AgentRouterOptions | { protocol: AgentProtocol },
): AgentRouter {
  const protocol = 'protocol' in options ? options.protocol : createAgentProtocol(options);
  const router = Router() as AgentRouter;
  router.protocol = protocol;
  router.use(async (req: Request, res: Response, next) => {
    // Only the protocol's own paths are ours; the rest of the app keeps everything else.
    if (!isProtocolPath(req.path, req.baseUrl)) return next();
    try {
      const response = await protocol.handle({
        ...fromIncomingMessage(req, req.path, req.body),
        mountPath: req.baseUrl,
      });
      await writeNodeResponse(res, response);
    } catch (error) {
      // Not next(error): Express' default error handler answers with an HTML page. The core's
      // JSON error instead, or a cut connection once the headers are out.
      protocol.logger.error(`${req.method} ${req.path} failed while writing the response`, error);
      if (res.headersSent) res.destroy();
      else await send(res, errorResponse(error));
    }
  });
  return router;
}

/**
 * The core's JSON 404 for every request nothing else in the app answered, instead of Express'
 * HTML "Cannot GET" page: `{"message": "No operation at GET /nope.", "code": "not_found"}`, the
 * same error shape as every protocol error. Add it last, after every route and static handler:
 * `app.use(agentRouter({ agent })).use(agentNotFound())`.
 */
export function agentNotFound(): RequestHandler {
  return (req, res) => {
    void send(res, notFoundResponse(req.method, requestedPath(req)));
  };
}
