import { closeServer } from '@agent-protocol/conformance';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface Listening {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Waits for requests in flight (a second at most), then closes every connection. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on a port the OS picks. */
export async function listen(app: Express): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => closeServer(server),
  };
}
