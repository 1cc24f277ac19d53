// `pnpm --filter docs build`: builds the site into apps/docs/dist and checks its links.
import { relative } from 'node:path';
import { checkSite } from '../src/build/check-links.mjs';
import { buildSite } from '../src/build/site.mjs';

const started = performance.now();
const result = await buildSite({ log: (line) => console.log(line) });
const problems = await checkSite(result.outDir);
if (problems.length > 0) {
  console.error(
    `The built site has ${problems.length} broken link(s):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
const versions = result.sources.versions.map((v) => v.label).join(', ');
console.log(
  `docs: ${result.files.length} files in ${relative(process.cwd(), result.outDir) || '.'} ` +
    `(${result.guides.length} guides; spec versions: ${versions}) in ${((performance.now() - started) / 1000).toFixed(1)}s`,
);
