// A tiny static file server for the built docs, with no dependencies.
//
//   import { serveDocs } from 'docs';
//   app.use('/docs', serveDocs());            // Express: the docs at /docs/
//   http.createServer(serveDocs()).listen(8080, '127.0.0.1');
//
// `node src/serve.mjs [dir]` (or `pnpm --filter docs serve`) serves apps/docs/dist on
// 127.0.0.1:$PORT (default 8080; HOST to change the interface).
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `pnpm --filter docs build` writes the site. */
export const defaultDocsDir = fileURLToPath(new URL('../dist', import.meta.url));

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.yml': 'application/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * @typedef {import('node:http').IncomingMessage & { originalUrl?: string }} DocsRequest
 * @typedef {(req: DocsRequest, res: import('node:http').ServerResponse) => void} DocsListener
 */

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 * @param {Record<string, string>} [headers]
 */
function sendText(res, status, text, headers = {}) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * A request listener serving the built site in `dir`. Works as a `node:http` listener and as
 * Express/Connect middleware (mounted under a prefix, it uses `req.originalUrl` to redirect
 * `/docs` to `/docs/` so the site's relative links resolve).
 * @param {string} [dir]  the built site (default: apps/docs/dist)
 * @returns {DocsListener}
 */
export function serveDocs(dir = defaultDocsDir) {
  const root = resolve(dir);
  return (req, res) => {
    void handle(root, req, res).catch((error) => {
      if (!res.headersSent) sendText(res, 500, 'Internal error while serving the docs.\n');
      else res.destroy(error);
    });
  };
}

/**
 * @param {string} root
 * @param {DocsRequest} req
 * @param {import('node:http').ServerResponse} res
 */
async function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'The docs are read-only: use GET or HEAD.\n', { allow: 'GET, HEAD' });
    return;
  }
  const url = new URL(req.url ?? '/', 'http://docs.invalid');
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    sendText(res, 400, 'Bad percent-encoding in the path.\n');
    return;
  }
  if (pathname.includes('\0')) {
    sendText(res, 400, 'Bad path.\n');
    return;
  }
  // Resolve inside the root, never above it (`..`, encoded or not, cannot escape).
  const file = resolve(root, `.${normalize(`/${pathname}`)}`);
  if (file !== root && !file.startsWith(root + sep)) {
    await notFound(root, req, res, pathname);
    return;
  }
  let target = file;
  let info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) {
    // Mounted under a prefix (Express strips it from req.url), the original URL says whether the
    // browser asked for `/docs` or `/docs/`: relative links only work from the latter.
    const original = new URL(req.originalUrl ?? req.url ?? '/', 'http://docs.invalid');
    if (!url.pathname.endsWith('/') || !original.pathname.endsWith('/')) {
      // /docs/reference -> /docs/reference/, keeping any mount prefix and the query.
      res.writeHead(301, { location: `${original.pathname}/${original.search}` });
      res.end();
      return;
    }
    target = join(target, 'index.html');
    info = await stat(target).catch(() => undefined);
  }
  if (!info?.isFile()) {
    await notFound(root, req, res, pathname);
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'last-modified': info.mtime.toUTCString(),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(target).pipe(res);
}

/**
 * The site's 404 page, with a <base> so its relative links work at any depth.
 * @param {string} root
 * @param {DocsRequest} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} pathname
 */
async function notFound(root, req, res, pathname) {
  const page = join(root, '404.html');
  if (!existsSync(page)) {
    sendText(res, 404, `Not found: ${pathname}\n`);
    return;
  }
  const depth = Math.max(0, pathname.split('/').length - 2);
  const base = depth === 0 ? './' : '../'.repeat(depth);
  const html = (await readFile(page, 'utf8')).replace('<head>', `<head>\n  <base href="${base}">`);
  res.writeHead(404, {
    'content-type': TYPES['.html'],
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

/**
 * Starts a server for the docs.
 * @param {{ dir?: string; port?: number; host?: string }} [options]
 * @returns {Promise<{ server: import('node:http').Server; url: string; close(): Promise<void> }>}
 */
export async function startDocsServer(options = {}) {
  const dir = options.dir ?? defaultDocsDir;
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${dir} holds no built site: run pnpm --filter docs build first.`);
  }
  const host = options.host ?? '127.0.0.1';
  const server = createServer(serveDocs(dir));
  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolvePromise(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

// `node src/serve.mjs [dir]`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer between 0 and 65535, got '${process.env.PORT}'.`);
    process.exit(1);
  }
  try {
    const { url, close } = await startDocsServer({
      dir: process.argv[2],
      port,
      host: process.env.HOST ?? '127.0.0.1',
    });
    console.log(`Docs on ${url}`);
    const stop = () => void close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(/** @type {Error} */ (error).message);
    process.exit(1);
  }
}
