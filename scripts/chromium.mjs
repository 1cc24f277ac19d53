// Debian's chromium for the browser tests (docs site, client in a page, delegated login): no
// browser can be downloaded on these machines, so playwright-core launches this one.
import { existsSync } from 'node:fs';

/** Flags for a headless run in a container, with nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/**
 * The browser's path (`CHROMIUM_PATH`, default Debian's `/usr/bin/chromium`); throws saying how to
 * install it when it is missing, so a browser test fails with that rather than being skipped.
 * @returns {string}
 */
export function chromiumExecutable() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium is missing at ${path}. The browser tests drive Debian's chromium and cannot download one: ` +
        'install it with `apt-get update && apt-get install -y chromium` (or run scripts/ensure-chromium.sh).',
    );
  }
  return path;
}
