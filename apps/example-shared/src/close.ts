import type { Server } from 'node:http';

/** Stops an HTTP server: no new connections, idle ones closed, busy ones get a second to finish. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), 1000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
