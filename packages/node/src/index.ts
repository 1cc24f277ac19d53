import {
  AgentProtocolError,
  createAgentProtocol,
  errorResponse,
  fromIncomingMessage,
  pathUnder,
  writeNodeResponse,
  type AgentProtocol,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeAdapterOptions {
  /**
   * Path prefix the agent is served under (`/agent` serves `/agent/ap/v1/...`).
   * @default ''
   */
  basePath?: string;
}

/** A node:http request listener serving the Agent Protocol, with its protocol for `close()`. */
export type AgentRequestListener = ((req: IncomingMessage, res: ServerResponse) => void) & {
  protocol: AgentProtocol;
};

/**
 * A `(req, res)` listener for `http.createServer`. Requests outside `basePath` get the core's
 * JSON 404, so the listener can be an entire server on its own.
 */
export function createRequestListener(
  options: (AgentProtocolOptions | { protocol: AgentProtocol }) & NodeAdapterOptions,
): AgentRequestListener {
  const protocol = 'protocol' in options ? options.protocol : createAgentProtocol(options);
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const listener = ((req, res) => {
    const path = pathUnder(req.url ?? '/', basePath);
    const answer =
      path === undefined
        ? Promise.resolve(
            errorResponse(
              new AgentProtocolError('not_found', `No operation at ${req.method} ${req.url}.`),
            ),
          )
        : protocol.handle(fromIncomingMessage(req, path));
    void answer.then((response) => writeNodeResponse(res, response)).catch(() => res.destroy());
  }) as AgentRequestListener;
  listener.protocol = protocol;
  return listener;
}

export interface AgentServer {
  server: Server;
  protocol: AgentProtocol;
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting connections, lets requests in flight finish, and closes the store. */
  close(): Promise<void>;
}

/** The fastest way to serve an agent: no framework, one call. */
export function createAgentServer(
  options: (AgentProtocolOptions | { protocol: AgentProtocol }) & NodeAdapterOptions,
): AgentServer {
  const listener = createRequestListener(options);
  const server = createServer(listener);
  return {
    server,
    protocol: listener.protocol,
    listen(port = 8000, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await listener.protocol.close();
    },
  };
}
