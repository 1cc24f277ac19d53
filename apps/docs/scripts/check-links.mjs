// `pnpm --filter docs lint`: checks the links of the built site (run `build` first).
import { existsSync } from 'node:fs';
import { checkSite } from '../src/build/check-links.mjs';
import { defaultOutDir } from '../src/build/site.mjs';

if (!existsSync(defaultOutDir)) {
  console.error(`${defaultOutDir} does not exist: run pnpm --filter docs build first.`);
  process.exit(1);
}
const problems = await checkSite(defaultOutDir);
if (problems.length > 0) {
  console.error(`${problems.length} broken link(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('docs: every link of the built site resolves.');
