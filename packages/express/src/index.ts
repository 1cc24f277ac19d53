import {
  createAgentProtocol,
  fromIncomingMessage,
  writeNodeResponse,
  type AgentProtocol,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import { Router, type NextFunction, type Request, type Response } from 'express';

/** Everything `createAgentProtocol` takes: the agent, data directory, store, limits, logger. */
export type AgentRouterOptions = AgentProtocolOptions;

/** An Express Router with the protocol attached, for `close()` on shutdown. */
export type AgentRouter = Router & { protocol: AgentProtocol };

/**
 * An Express 5 Router serving the Agent Protocol. Mount it anywhere:
 * `app.use(agentRouter({ agent }))` serves `/ap/v1/...`; `app.use('/agent', ...)` serves
 * `/agent/ap/v1/...`. Works with or without `express.json()` in front of it.
 */
export function agentRouter(
  options: AgentRouterOptions | { protocol: AgentProtocol },
): AgentRouter {
  const protocol = 'protocol' in options ? options.protocol : createAgentProtocol(options);
  const router = Router() as AgentRouter;
  router.protocol = protocol;
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    // Only the protocol's own namespace is ours; the rest of the app keeps everything else.
    if (!req.path.startsWith('/ap/')) return next();
    try {
      const response = await protocol.handle(fromIncomingMessage(req, req.path, req.body));
      await writeNodeResponse(res, response);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
