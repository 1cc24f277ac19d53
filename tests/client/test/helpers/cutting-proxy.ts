import { connect, createServer, type Socket } from 'node:net';

/** One connection through the proxy. */
export interface ProxiedConnection {
  /** The `Last-Event-ID` header of the request it carried, if any. */
  lastEventId: string | undefined;
  /** Whether the proxy cut it. */
  cut: boolean;
  /** The request line(s) it carried, as `GET /path`. */
  requests: string[];
}

export interface CuttingProxy {
  url: string;
  connections: ProxiedConnection[];
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` that cuts a connection (closes both sides, as a
 * dropped network does) once it has forwarded `cutAfter(n)` bytes of the answer on the n-th
 * connection (0-based); undefined leaves that connection alone.
 */
export async function startCuttingProxy(
  target: URL,
  cutAfter: (connection: number) => number | undefined,
): Promise<CuttingProxy> {
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const index = connections.length;
    const connection: ProxiedConnection = { lastEventId: undefined, cut: false, requests: [] };
    connections.push(connection);
    const limit = cutAfter(index);
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    let head = '';
    client.on('data', (chunk: Buffer) => {
      if (!head.includes('\r\n\r\n')) {
        head += chunk.toString('latin1');
        connection.lastEventId ??= /\r\nlast-event-id: *([^\r\n]*)/i.exec(head)?.[1];
        if (head.includes('\r\n\r\n')) connection.requests.push(head.split(' HTTP/')[0]!);
      }
      upstream.write(chunk);
    });
    let forwarded = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (connection.cut) return;
      if (limit !== undefined && forwarded + chunk.length >= limit) {
        connection.cut = true;
        client.end(chunk.subarray(0, limit - forwarded), () => client.destroy());
        upstream.destroy();
        return;
      }
      forwarded += chunk.length;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
