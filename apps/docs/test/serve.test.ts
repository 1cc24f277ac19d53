// The static server: files, directory indexes, redirects that keep a mount prefix, the 404 page,
// and no way out of the site directory.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs, startDocsServer } from '../src/serve.mjs';

let root: string;
let site: string;
let direct: Awaited<ReturnType<typeof startDocsServer>>;
let mounted: Server;
let mountedUrl: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'docs-serve-test-'));
  site = join(root, 'site');
  await mkdir(join(site, 'guides'), { recursive: true });
  await writeFile(
    join(site, 'index.html'),
    '<!doctype html><html><head></head><body>home</body></html>',
  );
  await writeFile(join(site, 'guides', 'index.html'), 'guides');
  await writeFile(join(site, 'guides', 'a b.html'), 'spaced');
  await writeFile(
    join(site, '404.html'),
    '<!doctype html><html><head><title>404</title></head><body>missing</body></html>',
  );
  await writeFile(join(root, 'secret.txt'), 'outside the site');
  direct = await startDocsServer({ dir: site, port: 0 });
  // Mounted under /docs the way Express does it: req.url without the prefix, req.originalUrl with.
  const listener = serveDocs(site);
  mounted = createServer((req, res) => {
    const original = req.url ?? '/';
    if (!original.startsWith('/docs')) {
      res.statusCode = 418;
      res.end();
      return;
    }
    Object.assign(req, { originalUrl: original, url: original.slice('/docs'.length) || '/' });
    listener(req, res);
  });
  await new Promise<void>((resolve) => mounted.listen(0, '127.0.0.1', resolve));
  mountedUrl = `http://127.0.0.1:${(mounted.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await direct?.close();
  mounted?.closeAllConnections();
  await new Promise((resolve) => mounted?.close(resolve));
  await rm(root, { recursive: true, force: true });
});

const get = (url: string, init?: RequestInit) => fetch(url, { redirect: 'manual', ...init });

describe('serveDocs', () => {
  it('serves files with their content type, and index.html for a directory', async () => {
    const home = await get(direct.url);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toContain('home');
    expect(await (await get(`${direct.url}guides/`)).text()).toBe('guides');
    expect(await (await get(`${direct.url}guides/a%20b.html`)).text()).toBe('spaced');
  });

  it('redirects a directory without its trailing slash', async () => {
    const res = await get(`${direct.url}guides?x=1`);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/guides/?x=1');
  });

  it('keeps the mount prefix when mounted (Express-style)', async () => {
    const bare = await get(`${mountedUrl}/docs`);
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/docs/');
    expect(await (await get(`${mountedUrl}/docs/`)).text()).toContain('home');
    expect((await get(`${mountedUrl}/docs/guides`)).headers.get('location')).toBe('/docs/guides/');
  });

  it('never serves a file outside the site', async () => {
    for (const path of [
      '../secret.txt',
      '%2e%2e/secret.txt',
      '..%2fsecret.txt',
      'guides/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const res = await get(`${direct.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('outside the site');
    }
    expect((await get(`${direct.url}%00`)).status).toBe(400);
    expect((await get(`${direct.url}%E0%A4%A`)).status).toBe(400);
  });

  it('answers a missing page with the 404 page, based so its links resolve', async () => {
    const res = await get(`${direct.url}guides/deep/missing.html`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('missing');
    expect(html).toContain('<base href="../../">');
  });

  it('is read-only', async () => {
    const res = await get(direct.url, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const head = await get(direct.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });
});
