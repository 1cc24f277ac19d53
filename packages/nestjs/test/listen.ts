import { closeServer } from '@agent-protocol/conformance';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /**
   * `app.close()`, with requests in flight given a second at most: a connection still sending
   * a body the server already answered (an early 413) would otherwise hold it open until
   * Node's keep-alive timeout.
   */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on a port the OS picks. */
export async function listen(app: INestApplication): Promise<Listening> {
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => closeServer(server, () => app.close()),
  };
}
