import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The packages are ESM; CommonJS projects load them with require() (Node >= 20.19 / 22.12). The
// NestJS package proves the same in its own tests, with a Nest app.
const run = promisify(execFile);
const consumer = fileURLToPath(new URL('./cjs-consumer/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

it('require() loads spec, core, Express, Koa and node adapters, and each answers a step', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cjs-consumer-'));
  try {
    const { stdout, stderr } = await run(process.execPath, [join(consumer, 'index.cjs'), dataDir]);
    expect(JSON.parse(stdout)).toEqual({
      spec: true,
      express: 'required: hello',
      koa: 'required: hello',
      node: 'required: hello',
    });
    expect(stderr).not.toMatch(/ERR_REQUIRE|ExperimentalWarning/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it.each(['node10', 'nodenext'])(
  'a CommonJS TypeScript project typechecks against the packages (moduleResolution %s)',
  async (resolution) => {
    const result = await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], {
      cwd: consumer,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(result.stdout).toBe('');
  },
  60_000,
);

it('ESM projects import the same packages', async () => {
  const names = ['spec', 'core', 'express', 'koa', 'nestjs', 'node', 'conformance'];
  const loaded = await Promise.all(names.map((n) => import(`@agent-protocol/${n}`)));
  expect(loaded.every((m) => Object.keys(m).length > 0)).toBe(true);
});
