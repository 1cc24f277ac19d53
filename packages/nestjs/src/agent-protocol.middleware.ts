import {
  fromIncomingMessage,
  silentLogger,
  writeNodeResponse,
  type Logger,
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
 * Hands every request under `<mountPath>/ap/` to the core and writes back its answer; passes
 * everything else on. `mountPath` is `''` or starts with `/` and has no trailing `/`. A failure
 * to write the answer goes to `logger` and, as the core's error, to Nest's exception layer.
 */
export function agentProtocolMiddleware(
  protocol: AgentProtocol,
  mountPath: string,
  logger: Logger = silentLogger,
): Middleware {
  const namespace = `${mountPath}/ap/`;
  return (req, res, next) => {
    const url = req.url ?? '/';
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    if (!path.startsWith(namespace)) return next();
    protocol
      .handle(fromIncomingMessage(req, path.slice(mountPath.length), req.body))
      .then((response) => writeNodeResponse(res, response))
      .catch((error: unknown) => {
        logger.error(`${req.method} ${path} failed while writing the response`, error);
        next(new AgentProtocolException(error));
      });
  };
}
