import type { Server } from 'node:http';

/**
 * Closes an HTTP server the way every test server here must: no new connections, idle ones
 * closed at once, and requests in flight given a second at most — a client still sending a body
 * the server already answered (an early 413) would otherwise hold it until the keep-alive timeout.
 * `close` replaces `server.close()` for frameworks that own the server (Nest's `app.close()`).
 */
export async function closeServer(
  server: Server,
  close: () => Promise<unknown> = () => new Promise((resolve) => server.close(resolve)),
): Promise<void> {
  const force = setTimeout(() => server.closeAllConnections(), 1000);
  force.unref();
  server.closeIdleConnections();
  await close();
  clearTimeout(force);
}
