import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `http://127.0.0.1:PORT` of a listening server. */
export function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Closes a server, giving requests in flight a second at most: a client still sending a body
 * the server already answered (an early 413) would otherwise hold it until the keep-alive timeout.
 */
export async function closeServer(
  server: Server,
  close = () => new Promise<unknown>((r) => server.close(r)),
): Promise<void> {
  const force = setTimeout(() => server.closeAllConnections(), 1000);
  server.closeIdleConnections();
  await close();
  clearTimeout(force);
}
