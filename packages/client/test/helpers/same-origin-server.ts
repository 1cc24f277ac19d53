import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

export interface SameOriginServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A small server on 127.0.0.1 for a browser test: fixed files by path, everything under `/ap/`
 * forwarded (streamed both ways, SSE included) to the agent at `agentUrl`, so the page and the
 * agent share one origin.
 */
export async function startSameOriginServer(
  agentUrl: string,
  files: Record<string, { type: string; body: string | Uint8Array }>,
): Promise<SameOriginServer> {
  const agent = new URL(agentUrl);
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      {
        host: agent.hostname,
        port: agent.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: agent.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/ap/')) return forward(req, res);
    const file = files[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
