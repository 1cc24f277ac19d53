// The browser build in a real browser: the Express example app serves a page at / that loads
// @agent-protocol/client's browser bundle from /client.js. In Debian's chromium, a user types a
// task into that page and watches its output stream; and a script in the same page creates a
// task, streams a background step, uploads and downloads, and runs a task with the same bundle.
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../../scripts/chromium.mjs';
import { startApp, type RunningApp } from './helpers/example-app.js';

let app: RunningApp | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  const executablePath = chromiumExecutable();
  app = await startApp('example-express');
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The example app's page, with every script error and console error collected. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ acceptDownloads: true });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const response = await page.goto(`${app!.baseUrl}/`);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** Types the input into the page's form, runs it, and waits for the run to end. */
async function runInPage(page: Page, input: string): Promise<{ state: string; status: string }> {
  await page.getByLabel('Task input').fill(input);
  await page.getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(
    () => {
      const state = document.getElementById('status')?.dataset.state;
      return state !== undefined && state !== 'running';
    },
    undefined,
    { timeout: 20_000 },
  );
  const status = page.getByRole('status');
  return {
    state: (await status.getAttribute('data-state')) ?? '',
    status: (await status.textContent()) ?? '',
  };
}

it('the example app serves the browser build of the client next to its page', async () => {
  const bundle = await fetch(`${app!.baseUrl}/client.js`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
  const code = await bundle.text();
  expect(code).toContain('createClient');
  // One self-contained module: nothing left for a bundler to resolve, no Node built-in.
  expect(code).not.toMatch(/^import .* from ['"][^./]/m);
  expect(code).not.toContain('node:');
  // The page's link to the words the agent knows leads somewhere.
  const page = await (await fetch(`${app!.baseUrl}/`)).text();
  const guide = /href="(docs\/guides\/[^"]+)"/.exec(page)?.[1];
  expect((await fetch(`${app!.baseUrl}/${guide}`)).status).toBe(200);
});

it('a user types a task into the page and watches its output stream in, then downloads its file', async () => {
  const { page, problems } = await openPage();
  // Each new text the output shows, in order: streamed, it grows delta by delta.
  const seen: string[] = [];
  const watcher = setInterval(() => {
    void page
      .locator('#output')
      .textContent()
      .then((text) => {
        if (text && seen.at(-1) !== text) seen.push(text);
      })
      .catch(() => undefined);
  }, 20);
  const streamed = await runInPage(page, 'stream 4 250');
  clearInterval(watcher);
  expect(streamed.state).toBe('finished');
  expect(streamed.status).toMatch(/^Task [0-9a-f-]{36} ended after 1 step\.$/);
  expect(await page.locator('#output').textContent()).toBe('1 2 3 4 ');
  // The page showed part of the output before the rest was written.
  expect(seen).toContain('1 ');
  expect(seen.indexOf('1 ')).toBeLessThan(seen.indexOf('1 2 3 4 '));

  const wrote = await runInPage(page, "write 'made in a browser' to file 'hello.txt'");
  expect(wrote.state).toBe('finished');
  const link = page.getByRole('link', { name: 'hello.txt' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('hello.txt');
  expect(await readFile(await download.path(), 'utf8')).toBe('made in a browser');
  expect(problems).toEqual([]);
  await page.close();
});

it('asks in a dialog for a secret the agent demands, and the value never enters a step', async () => {
  const { page, problems } = await openPage();
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.accept('typed-in-a-dialog-7');
  });
  const result = await runInPage(page, 'use secret PAGE_KEY');
  expect(result.state).toBe('finished');
  expect(asked).toHaveLength(1);
  expect(asked[0]).toContain('PAGE_KEY');
  const output = (await page.locator('#output').textContent()) ?? '';
  expect(output).toContain('Secret PAGE_KEY is available (19 characters).');
  expect(output).not.toContain('typed-in-a-dialog-7');
  expect(problems).toEqual([]);
  await page.close();
});

interface ScenarioResult {
  ok: boolean;
  error?: string;
  capabilities?: unknown;
  events: { id: number; event: string; text?: string; output?: string; at: number }[];
  downloaded: string;
  formUpload: string;
  run: { ended: string; events: string[] };
}

it('a script in the page streams a background step, uploads, downloads and runs a task with the bundle', async () => {
  const { page, problems } = await openPage();
  await page.addScriptTag({
    type: 'module',
    content: await readFile(new URL('./browser/scenario.js', import.meta.url), 'utf8'),
  });
  await page.waitForFunction(() => (window as { __result?: unknown }).__result, undefined, {
    timeout: 20_000,
  });
  const result = (await page.evaluate(
    () => (window as { __result?: unknown }).__result,
  )) as ScenarioResult;
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
  expect(result.formUpload).toBe('say "hi".txt');
  expect(result.run.ended).toBe('finished');
  expect(result.run.events.filter((e) => e.startsWith('output'))).toEqual([
    'output 1 ',
    'output 2 ',
  ]);
});
