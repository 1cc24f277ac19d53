// The main entry in a real browser: bundled for the browser with esbuild (which fails on any
// Node-only import), loaded by a page served from the agent's origin in Debian's chromium, it
// creates a task, streams a background step, uploads and downloads, and runs a task.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type RunningApp } from './helpers/example-app.js';
import { startSameOriginServer, type SameOriginServer } from './helpers/same-origin-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const mainEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

let app: RunningApp | undefined;
let site: SameOriginServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(mainEntry))
    throw new Error(
      `${mainEntry} is missing: build the package first (pnpm --filter @agent-protocol/client build).`,
    );
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium, or scripts/ensure-chromium.sh).`,
    );
  }
  const bundle = await build({
    entryPoints: [mainEntry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  app = await startApp('example-express');
  site = await startSameOriginServer(app.baseUrl, {
    '/': {
      type: 'text/html; charset=utf-8',
      body: await readFile(new URL('./browser/page.html', import.meta.url), 'utf8'),
    },
    '/client.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.contents },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await app?.stop();
});

interface PageResult {
  ok: boolean;
  error?: string;
  capabilities?: unknown;
  events: { id: number; event: string; text?: string; output?: string; at: number }[];
  downloaded: string;
  run: { ended: string; events: string[] };
}

it('streams a background step in chromium with the browser build of the client', async () => {
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(site!.url);
  await page.waitForFunction(() => (window as { __result?: unknown }).__result, undefined, {
    timeout: 20_000,
  });
  const result = (await page.evaluate(
    () => (window as { __result?: unknown }).__result,
  )) as PageResult;
  await page.close();

  expect(result.error).toBeUndefined();
  expect(problems).toEqual([]);
  expect(result.events.map((e) => e.event)).toEqual([
    'step.created',
    'step.running',
    'output.delta',
    'output.delta',
    'output.delta',
    'step.completed',
  ]);
  expect(result.events.filter((e) => e.text).map((e) => e.text)).toEqual(['1 ', '2 ', '3 ']);
  expect(result.events.at(-1)?.output).toBe('1 2 3 ');
  // Streamed, not buffered: the deltas (50 ms apart) reached the page as they were written.
  const deltas = result.events.filter((e) => e.event === 'output.delta');
  expect(deltas.at(-1)!.at - deltas[0]!.at).toBeGreaterThanOrEqual(60);
  expect(result.downloaded).toBe('bytes from a page');
  expect(result.run.ended).toBe('finished');
  expect(result.run.events.filter((e) => e.startsWith('output'))).toEqual([
    'output 1 ',
    'output 2 ',
  ]);
});
