import {
  fromIncomingMessage,
  isProtocolPath,
  pathUnder,
  writeNodeResponse,
} from '@agent-protocol/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentProtocolException } from './agent-protocol.exception.js';
import type { AgentProtocol } from './agent-protocol.provider.js';

type Middleware = (
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Hands every request under `<mountPath>/ap/` to the core and writes back its answer, and the
 * discovery document (`/.well-known/agent-protocol`) when mounted at the root; passes everything
 * else on. `mountPath` is `''` or starts with `/` and has no trailing `/`. A failure
 * to write the answer goes to the protocol's logger and, as the core's error, to Nest's exception
 * layer.
 */
export function agentProtocolMiddleware(protocol: AgentProtocol, mountPath: string): Middleware {
  return (req, res, next) => {
    const path = pathUnder(req.url ?? '/', mountPath);
    if (path === undefined || !isProtocolPath(path, mountPath)) return next();
    protocol
      .handle({ ...fromIncomingMessage(req, path, req.body), mountPath })
      .then((response) => writeNodeResponse(res, response))
      .catch((error: unknown) => {
        // The protocol's own logger masks secret values, as every log line must.
        protocol.logger.error(`${req.method} ${path} failed while writing the response`, error);
        next(new AgentProtocolException(error));
      });
  };
}
