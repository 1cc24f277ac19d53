import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

it('the core imports no web framework and depends on none', () => {
  const framework = /from ['"](express|koa|@koa\/[^'"]+|@nestjs\/[^'"]+)['"]/;
  const offenders = sources(join(root, 'src')).filter((file) =>
    framework.test(readFileSync(file, 'utf8')),
  );
  expect(offenders).toEqual([]);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
  expect(deps.filter((d) => /^(express|koa|@koa\/|@nestjs\/)/.test(d))).toEqual([]);
});
