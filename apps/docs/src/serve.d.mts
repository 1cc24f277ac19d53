import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Where `pnpm --filter docs build` writes the site (apps/docs/dist). */
export declare const defaultDocsDir: string;

export type DocsRequest = IncomingMessage & { originalUrl?: string };
export type DocsListener = (req: DocsRequest, res: ServerResponse) => void;

/**
 * A request listener serving the built docs site in `dir` (default: apps/docs/dist). Use it as a
 * `node:http` listener or mount it in Express: `app.use('/docs', serveDocs())`.
 */
export declare function serveDocs(dir?: string): DocsListener;

/** Starts a `node:http` server for the docs (default 127.0.0.1:8080; port 0 picks a free one). */
export declare function startDocsServer(options?: {
  dir?: string;
  port?: number;
  host?: string;
}): Promise<{ server: Server; url: string; close(): Promise<void> }>;
