// Archives the bundled spec of the current package version under versions/<version>/, so the docs
// site keeps every published version browsable. Run by `pnpm version-packages` after the bump
// and a fresh build; the archive is committed with the release.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
const bundled = JSON.parse(await readFile(join(packageDir, 'dist', 'openapi.json'), 'utf8'));
if (bundled.info?.version !== version) {
  throw new Error(
    `dist/ holds spec ${bundled.info?.version}, the package is ${version}: build before archiving.`,
  );
}
const target = join(packageDir, 'versions', version);
await mkdir(target, { recursive: true });
for (const file of ['openapi.json', 'openapi.yaml']) {
  await copyFile(join(packageDir, 'dist', file), join(target, file));
}
console.log(`archived spec ${version} in spec/versions/${version}/`);
