import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const consumer = fileURLToPath(new URL('./cjs-consumer/', import.meta.url));
const linkDir = join(consumer, 'node_modules', '@agent-protocol');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * A CommonJS project (`"type": "commonjs"`) with the package in its node_modules, as an install
 * would put it (a link to this package, built). It runs on Node's require(esm) (Node >= 20.19):
 * there is no CommonJS build.
 */
describe('from CommonJS', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ap-nestjs-cjs-'));
    await rm(join(consumer, 'node_modules'), { recursive: true, force: true });
    await mkdir(linkDir, { recursive: true });
    await symlink('../../../..', join(linkDir, 'nestjs'), 'dir');
  });
  afterAll(async () => {
    await rm(join(consumer, 'node_modules'), { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('require("@agent-protocol/nestjs") boots a Nest app that answers a step', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(consumer, 'index.cjs'), dataDir]);
    expect(JSON.parse(stdout)).toEqual({ output: 'required: hello' });
    expect(stderr).not.toMatch(/ERR_REQUIRE/);
  });

  it.each(['node10', 'nodenext'])(
    'typechecks in a CommonJS TypeScript project (moduleResolution %s)',
    async (resolution) => {
      const result = await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], {
        cwd: consumer,
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      expect(result.stdout).toBe('');
    },
    60_000, // a full check (no skipLibCheck): our declaration files are checked too
  );
});
