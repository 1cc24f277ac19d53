#!/usr/bin/env node
// Proves the release flow on a throwaway copy of the repository: a changeset bumps every
// @agent-protocol/* package to one version (the fixed group), writes CHANGELOG entries, and leaves
// the ignored apps alone. Nothing in the real tree changes.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const copy = mkdtempSync(join(tmpdir(), 'changeset-flow-'));
const tracked = execFileSync(
  'git',
  ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
  { cwd: root },
)
  .toString()
  .split('\0')
  .filter(Boolean);

try {
  for (const file of tracked) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(copy, file));
  }
  const manifests = ['spec', ...readdirSync(join(copy, 'packages')).map((p) => `packages/${p}`)];
  const read = (dir) => JSON.parse(readFileSync(join(copy, dir, 'package.json'), 'utf8'));
  const before = Object.fromEntries(manifests.map((dir) => [dir, read(dir).version]));
  const appsBefore = readdirSync(join(copy, 'apps')).map((a) => [a, read(`apps/${a}`).version]);

  writeFileSync(
    join(copy, '.changeset', 'flow-check.md'),
    "---\n'@agent-protocol/spec': minor\n---\n\nFlow check: a spec change that every package ships with.\n",
  );
  const cli = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
  execFileSync(process.execPath, [cli, 'version'], { cwd: copy, stdio: 'pipe' });

  const after = Object.fromEntries(manifests.map((dir) => [dir, read(dir).version]));
  const versions = new Set(Object.values(after));
  assert.equal(
    versions.size,
    1,
    `fixed group must share one version, got ${JSON.stringify(after)}`,
  );
  assert.notEqual(after.spec, before.spec, 'the spec version must be bumped');
  const changelog = readFileSync(join(copy, 'spec', 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, new RegExp(`## ${after.spec.replace(/\./g, '\\.')}`));
  assert.match(changelog, /Flow check: a spec change/);
  for (const [app, version] of appsBefore) {
    assert.equal(read(`apps/${app}`).version, version, `${app} is ignored and must not be bumped`);
  }
  assert.ok(
    !existsSync(join(copy, '.changeset', 'flow-check.md')),
    'consumed changesets are deleted',
  );

  // The archive step of `pnpm version-packages`: rebuild the spec at the new version and keep it.
  for (const dir of ['.', 'spec'])
    symlinkSync(join(root, dir, 'node_modules'), join(copy, dir, 'node_modules'));
  execFileSync(process.execPath, ['spec/scripts/build.mjs'], { cwd: copy, stdio: 'pipe' });
  execFileSync(process.execPath, ['spec/scripts/archive-version.mjs'], {
    cwd: copy,
    stdio: 'pipe',
  });
  const archived = JSON.parse(
    readFileSync(join(copy, 'spec', 'versions', after.spec, 'openapi.json'), 'utf8'),
  );
  assert.equal(archived.info.version, after.spec, 'the archived bundle carries its version');
  console.log(
    `changeset flow: ${JSON.stringify(before)} -> ${after.spec} for every @agent-protocol/* package; CHANGELOG written; spec archived`,
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}
