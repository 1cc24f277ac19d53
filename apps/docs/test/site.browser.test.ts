// The built site in a real browser (Debian's chromium through playwright-core), with the network
// cut off beyond 127.0.0.1: every operation of the spec is listed in the API reference, links to
// an operation and to a guide work, nothing logs a console error, nothing leaves the machine.
// Screenshots go to apps/docs/test-output/.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../../scripts/chromium.mjs';
import { startDocsServer } from '../src/serve.mjs';

const docsDir = fileURLToPath(new URL('..', import.meta.url));
const siteDir = join(docsDir, 'dist');
const outputDir = join(docsDir, 'test-output');

interface Operation {
  operationId: string;
  summary: string;
  tag: string;
}

/** Every operation of the bundled spec (paths, then methods), as the spec package ships it. */
function specOperations(): Operation[] {
  const require = createRequire(import.meta.url);
  const document = JSON.parse(
    readFileSync(require.resolve('@agent-protocol/spec/openapi.json'), 'utf8'),
  );
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  const operations: Operation[] = [];
  type Op = { operationId: string; summary?: string; tags?: string[] };
  for (const item of Object.values<Record<string, Op>>(document.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (op) {
        operations.push({
          operationId: op.operationId,
          summary: op.summary ?? op.operationId,
          tag: op.tags?.[0] ?? 'default',
        });
      }
    }
  }
  return operations;
}

/** What went wrong in a page, beyond what its own assertions check. */
interface Trouble {
  leftTheMachine: string[];
  consoleErrors: string[];
  pageErrors: string[];
  failedResponses: string[];
}

const trouble: Trouble = {
  leftTheMachine: [],
  consoleErrors: [],
  pageErrors: [],
  failedResponses: [],
};
let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof startDocsServer>> | undefined;
let baseUrl = '';
let setupError: Error | undefined;

async function openPage(path: string): Promise<Page> {
  if (setupError) throw setupError;
  if (!browser) throw new Error('The browser did not start.');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // The network is cut off beyond 127.0.0.1: anything else is aborted and counted as a failure.
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') {
      await route.continue();
    } else {
      trouble.leftTheMachine.push(`${page.url()} -> ${url.href}`);
      await route.abort('internetdisconnected');
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => trouble.pageErrors.push(`${page.url()}: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400)
      trouble.failedResponses.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(new URL(path, baseUrl).href, { waitUntil: 'load' });
  return page;
}

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage });
}

/** Whether an element's top edge is inside the viewport (the page scrolled to it). */
async function inViewport(page: Page, selector: string, text: string): Promise<boolean> {
  const element = page.locator(selector, { hasText: text }).first();
  await element.waitFor({ state: 'visible', timeout: 15_000 });
  const box = await element.boundingBox();
  const viewport = page.viewportSize();
  return box !== null && viewport !== null && box.y >= 0 && box.y < viewport.height;
}

const operations = specOperations();

/** Matches exactly this text (a tag's label in Redoc's sidebar). */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Where Redoc CE 3 puts an operation: `#/<tag>/<operationId in lower case>` (simple tag names). */
function sidebarHref(op: Operation): string {
  return `#/${op.tag.toLowerCase().replace(/\s+/g, '-')}/${op.operationId.toLowerCase()}`;
}

describe('the built docs site, offline, in chromium', () => {
  beforeAll(async () => {
    // A missing site or browser fails every test below with this message; nothing is skipped.
    try {
      if (!existsSync(join(siteDir, 'index.html'))) {
        throw new Error(
          `${siteDir} holds no built site: run \`pnpm --filter docs build\` first (turbo does it before \`test\`).`,
        );
      }
      const executablePath = chromiumExecutable();
      await mkdir(outputDir, { recursive: true });
      server = await startDocsServer({ dir: siteDir, port: 0, host: '127.0.0.1' });
      baseUrl = server.url;
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    } catch (error) {
      setupError = error as Error;
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("has a built site, Debian's chromium, and a spec with operations", () => {
    if (setupError) throw setupError;
    expect(operations.length).toBeGreaterThan(0);
  });

  it('serves a landing page that links to the reference, the guides and the versions', async () => {
    const page = await openPage('/');
    await expect(page.title()).resolves.toBe('Agent Protocol');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Serve any agent');
    for (const href of ['reference/index.html', 'guides/index.html', 'versions/index.html']) {
      expect(await page.locator(`header a[href="${href}"]`).count(), href).toBe(1);
    }
    // The landing page lists every operation too, each linking into the reference.
    for (const op of operations) {
      expect(
        await page.locator(`a.op-link[data-operation-id="${op.operationId}"]`).count(),
        op.operationId,
      ).toBe(1);
    }
    await screenshot(page, 'home');
    await screenshot(page, 'home-full', true);
    await page.close();
  });

  it('lists every operation of the bundled spec in the API reference', async () => {
    const page = await openPage('/reference/');
    // Redoc's sidebar lists a tag's operations (summary and method) once the tag is opened, each
    // linking to `#/<tag>/<operationId in lower case>`. Open every tag and collect them.
    const listed = new Map<string, string>();
    const collect = async () => {
      const items = await page.$$eval('[data-testid="menu-item-label"]', (labels) =>
        labels.map((l) => ({
          href: l.closest('a')?.getAttribute('href') ?? '',
          text: l.textContent ?? '',
        })),
      );
      for (const item of items) if (item.href.startsWith('#/')) listed.set(item.href, item.text);
    };
    for (const tag of [...new Set(operations.map((op) => op.tag))]) {
      await page
        .locator('[data-testid="menu-item-label"]', { hasText: exactly(tag) })
        .first()
        .click();
      const ofTag = operations.filter((op) => op.tag === tag);
      await expect
        .poll(
          async () => {
            await collect();
            return ofTag.filter((op) => !listed.has(sidebarHref(op))).map((op) => op.operationId);
          },
          { timeout: 15_000 },
        )
        .toEqual([]);
    }
    const missing = operations.filter(
      (op) => !(listed.get(sidebarHref(op)) ?? '').includes(op.summary),
    );
    expect(
      missing.map((op) => `${op.operationId} (${op.summary})`),
      'operations missing from the reference',
    ).toEqual([]);
    expect(listed.size).toBe(operations.length);
    await screenshot(page, 'reference');

    // Every operation link of the landing page names an anchor Redoc really renders.
    const home = await openPage('/');
    const landingHrefs = await home.$$eval('a.op-link', (as) =>
      as.map((a) => a.getAttribute('href') ?? ''),
    );
    await home.close();
    expect(
      landingHrefs.filter((href) => !listed.has(href.replace(/^reference\/index\.html/, ''))),
    ).toEqual([]);
    expect(landingHrefs).toHaveLength(operations.length);
    await expect(page.title()).resolves.toContain('API reference');
    await page.close();
  });

  it('follows a link from the landing page to an operation of the reference', async () => {
    const target =
      operations.find((op) => op.operationId === 'executeAgentTaskStep') ?? operations.at(-1)!;
    const page = await openPage('/');
    await page.locator(`a.op-link[data-operation-id="${target.operationId}"]`).click();
    await page.waitForURL(/\/reference\/index\.html#\//);
    expect(new URL(page.url()).hash).toBe(sidebarHref(target));
    // Redoc scrolled the operation's heading into view.
    await expect.poll(() => inViewport(page, 'h2', target.summary), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await screenshot(page, 'reference-operation');

    // And inside the reference, the sidebar link of another operation scrolls to it.
    const other =
      operations.find((op) => op.operationId === 'uploadAgentTaskArtifacts') ?? operations[0]!;
    const before = await page.evaluate(() => window.scrollY);
    await page
      .locator('[data-testid="menu-item-label"]', { hasText: exactly(other.tag) })
      .first()
      .click();
    await page.locator(`a[href="${sidebarHref(other)}"] [data-testid="menu-item-label"]`).click();
    await expect
      .poll(() => new URL(page.url()).hash)
      .toMatch(new RegExp(`/${other.operationId.toLowerCase()}$`));
    await expect.poll(() => inViewport(page, 'h2', other.summary), { timeout: 15_000 }).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).not.toBe(before);
    await screenshot(page, 'reference-operation-2');
    await page.close();
  });

  it('follows a link from the landing page to a guide', async () => {
    const page = await openPage('/');
    const link = page.locator('.hero a', { hasText: 'Get started' });
    const href = await link.getAttribute('href');
    expect(href).toBe('guides/getting-started.html');
    await link.click();
    await page.waitForURL(/\/guides\/getting-started\.html$/);
    await expect(page.locator('main h1').textContent()).resolves.toBe(
      'Getting started with Express',
    );
    expect(await page.locator('.sidebar a.active').textContent()).toBe('Getting started (Express)');
    await screenshot(page, 'guide');
    await screenshot(page, 'guide-full', true);

    // Every guide in the sidebar opens, with its heading.
    const guides = await page.$$eval('.sidebar .nav-group a[href^="../guides/"]', (as) =>
      as.map((a) => a.getAttribute('href') ?? '').filter((h) => h !== '../guides/index.html'),
    );
    expect(guides.length).toBeGreaterThanOrEqual(6);
    for (const guide of guides) {
      await page.locator(`.sidebar a[href="${guide}"]`).click();
      await page.waitForURL(new URL(guide, page.url()).href);
      expect((await page.locator('main h1').textContent())?.trim(), guide).toBeTruthy();
    }
    await page.goto(new URL('/guides/config-options.html', baseUrl).href);
    await screenshot(page, 'guide-config-options', true);
    await page.close();
  });

  it('lists every spec version with its changelog, and each version has a reference page', async () => {
    const page = await openPage('/versions/');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Versions');
    const entries = await page.$$eval('.version-entry', (sections) =>
      sections.map((s) => ({
        id: s.id,
        reference: s.querySelector('a.button')?.getAttribute('href') ?? '',
        changelog: s.querySelector('.changelog')?.textContent?.trim() ?? '',
      })),
    );
    expect(entries.length).toBeGreaterThan(0);
    // The spec package's version is a published release: archived, listed first, with its
    // changelog (not an "unreleased" bundle on top of nothing).
    const { version } = JSON.parse(
      readFileSync(
        createRequire(import.meta.url).resolve('@agent-protocol/spec/package.json'),
        'utf8',
      ),
    ) as { version: string };
    expect(version).not.toBe('0.0.0');
    expect(entries.map((e) => e.id)).toContain(`v${version}`);
    await screenshot(page, 'versions', true);
    for (const entry of entries) {
      expect(entry.changelog, entry.id).not.toBe('');
      const reference = await openPage(new URL(entry.reference, page.url()).pathname);
      await reference
        .locator('a[href^="#/"]')
        .first()
        .waitFor({ state: 'attached', timeout: 20_000 });
      expect(await reference.locator('.version-menu summary').textContent(), entry.id).toBeTruthy();
      await reference.close();
    }
    await page.close();
  });

  it('answers a missing page with the site 404 page', async () => {
    const page = await openPage('/guides/no-such-guide.html');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Page not found');
    // Its 404 is expected: drop it from the failures, then check its links resolve at this depth.
    trouble.failedResponses = trouble.failedResponses.filter(
      (r) => !r.endsWith('/guides/no-such-guide.html'),
    );
    trouble.consoleErrors = trouble.consoleErrors.filter((e) => !e.includes('404'));
    await page.locator('main a', { hasText: 'home page' }).click();
    await page.waitForURL(new URL('index.html', baseUrl).href);
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Serve any agent');
    await page.close();
  });

  it('sent nothing beyond 127.0.0.1 and logged no console error', () => {
    if (setupError) throw setupError;
    expect(trouble.leftTheMachine, 'requests that left 127.0.0.1').toEqual([]);
    expect(trouble.consoleErrors, 'console errors').toEqual([]);
    expect(trouble.pageErrors, 'uncaught page errors').toEqual([]);
    expect(trouble.failedResponses, 'responses with an error status').toEqual([]);
  });
});
