import {
  createAgentProtocol,
  DISCOVERY_PATH,
  fromIncomingMessage,
  isDiscoveryPath,
  notFoundResponse,
  pathUnder,
  writeNodeResponse,
  type AgentProtocol,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeAdapterOptions {
  /**
   * Path prefix the agent is served under (`/agent` serves `/agent/ap/v1/...`). The listener
   * answers the whole origin, so the discovery document stays at the origin root
   * (`/.well-known/agent-protocol`, never below the prefix) and names the prefix in its
   * `endpoints.v1` (`/agent/ap/v1`).
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
 * JSON 404, so the listener can be an entire server on its own; being one, it serves the
 * discovery document at the origin root whatever `basePath` is.
 */
export function createRequestListener(
  options: (AgentProtocolOptions | { protocol: AgentProtocol }) & NodeAdapterOptions,
): AgentRequestListener {
  const protocol = 'protocol' in options ? options.protocol : createAgentProtocol(options);
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  /** The core's path for a request URL: under `basePath`, or the origin root's discovery document. */
  const route = (url: string): string | undefined => {
    if (isDiscoveryPath(pathUnder(url, '') ?? '')) return DISCOVERY_PATH;
    const path = pathUnder(url, basePath);
    return path === undefined || isDiscoveryPath(path) ? undefined : path;
  };
  const listener = ((req, res) => {
    const url = req.url ?? '/';
    const path = route(url);
    const answer =
      path === undefined
        ? Promise.resolve(notFoundResponse(req.method ?? 'GET', pathUnder(url, '') ?? url))
        : protocol.handle({ ...fromIncomingMessage(req, path), mountPath: basePath });
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
  /**
   * Stops accepting connections and steps, lets requests in flight and running steps finish
   * (`shutdownGraceMs`), ends the event streams, and closes the store.
   */
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Steps first: running ones finish (or are interrupted after the grace period), which ends
      // the event streams that would otherwise hold the server open.
      await listener.protocol.stop();
      server.closeIdleConnections();
      await closed;
      await listener.protocol.close();
    },
  };
}
