import {
  checkExampleAuth,
  checkExampleContract,
  checkKillLosesNothing,
  startExampleProcess,
} from 'example-shared';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('keeps the example-app contract: serves, logs each request, exits on SIGTERM, keeps data', async () => {
  await checkExampleContract(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
}, 60_000);

it('serves the docs site at /docs/', async () => {
  const app = await startExampleProcess(
    fileURLToPath(new URL('../dist/main.js', import.meta.url)),
    {
      AGENT_DATA_DIR: await mkdtemp(join(tmpdir(), 'example-docs-')),
    },
  );
  try {
    const page = await fetch(`${app.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Agent Protocol');
    expect((await fetch(`${app.baseUrl}/docs/reference/`)).status).toBe(200);
  } finally {
    expect(await app.stop()).toBe(0);
  }
}, 60_000);

it('reads the auth environment: AGENT_AUTH=bearer turns away a request without a token', async () => {
  await checkExampleAuth(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
}, 60_000);

it('loses nothing acknowledged when killed with SIGKILL under load (default SQLite store)', async () => {
  const { steps } = await checkKillLosesNothing(
    fileURLToPath(new URL('../dist/main.js', import.meta.url)),
  );
  expect(steps).toBeGreaterThan(0);
}, 60_000);
