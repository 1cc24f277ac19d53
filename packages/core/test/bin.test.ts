import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = resolve(here, '../..');

/** Every `bin` of every published package, as package.json declares it. */
function bins(): [string, string, string][] {
  return readdirSync(packagesDir).flatMap((name) => {
    const manifest = join(packagesDir, name, 'package.json');
    if (!existsSync(manifest)) return [];
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      bin?: Record<string, string>;
    };
    return Object.entries(bin ?? {}).map(
      ([command, path]) => [name, command, path] as [string, string, string],
    );
  });
}

describe('command-line launchers', () => {
  it.each(bins())(
    '%s: bin %s points at a committed file, so a fresh install links it without a warning',
    (pkg, _command, path) => {
      // pnpm links bins at install, before any build: a bin inside dist/ does not exist yet.
      expect(path).not.toMatch(/^(\.\/)?dist\//);
      const file = join(packagesDir, pkg, path);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
      expect(statSync(file).mode & 0o111).not.toBe(0);
    },
  );

  it('agent-protocol runs the built command through its launcher', async () => {
    const { stdout } = await run(process.execPath, [
      join(here, '../bin/agent-protocol.js'),
      'rotate-secrets-key',
      '--help',
    ]);
    expect(stdout).toContain('Usage: agent-protocol rotate-secrets-key');
  });
});
