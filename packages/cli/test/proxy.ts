import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response as the proxy forwards it: the rewrite may change any part. */
export interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** What was asked, for the rewrite to decide on. */
export interface Asked {
  method: string;
  /** Path and query, as sent. */
  url: string;
}

/** Changes an answer on its way back; event streams pass untouched. */
export type Rewrite = (asked: Asked, answer: Answer) => Answer;

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

const isStream = (headers: IncomingHttpHeaders) =>
  /text\/event-stream/i.test(String(headers['content-type'] ?? ''));

/**
 * A real HTTP proxy on 127.0.0.1 (a port of its own) in front of a running server, so that a
 * test can plant a fault (a server that breaks one protocol rule) or restyle the answers (a
 * server that chooses differently where the protocol lets it) without writing a whole server.
 */
export async function startProxy(target: string, rewrite: Rewrite): Promise<RunningProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        if (isStream(answer.headers)) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const headers: OutgoingHttpHeaders = { ...answer.headers };
          delete headers['transfer-encoding'];
          delete headers.connection;
          delete headers['keep-alive'];
          const out = rewrite(
            { method: req.method ?? 'GET', url: req.url ?? '/' },
            { status: answer.statusCode ?? 502, headers, body: Buffer.concat(chunks) },
          );
          // A HEAD answer keeps the length of what GET would send.
          if (req.method !== 'HEAD' && out.headers['content-length'] !== undefined)
            out.headers['content-length'] = String(out.body.length);
          res.writeHead(out.status, out.headers);
          res.end(req.method === 'HEAD' ? undefined : out.body);
        });
      },
    );
    forwarded.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `proxy: ${error.message}` }));
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
