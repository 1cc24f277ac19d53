// Checks a built site: every relative href and src of every page points at a file that exists,
// every `#fragment` on a site page names an element of that page, and every link into a Redoc
// page names an operation of the document it renders. Nothing points at another host except
// plain links a reader may follow (<a href="https://...">).
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { listOperations } from './diff.mjs';
import { operationAnchor } from './reference.mjs';

/** @param {string} dir @returns {Promise<string[]>} */
async function walk(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

/** Redoc pages carry the whole spec in a script; only their template part is ours to check. */
const REDOC_MARKER = '<div class="reference-body"';

/**
 * @param {string} siteDir
 * @returns {Promise<string[]>} the problems found (empty when the site is sound)
 */
export async function checkSite(siteDir) {
  /** @type {string[]} */
  const problems = [];
  const files = (await walk(siteDir)).filter((f) => f.endsWith('.html'));
  /** @type {Map<string, Set<string>>} */
  const idsByFile = new Map();
  /** @type {Map<string, Set<string>>} */
  const redocAnchors = new Map();
  /** @type {Map<string, string>} */
  const htmlByFile = new Map();
  for (const file of files) {
    const html = await readFile(file, 'utf8');
    const cut = html.indexOf(REDOC_MARKER);
    const own = cut === -1 ? html : html.slice(0, cut);
    htmlByFile.set(file, own);
    idsByFile.set(
      file,
      new Set([...own.matchAll(/\sid="([^"]+)"/g)].map((m) => /** @type {string} */ (m[1]))),
    );
    if (cut !== -1) {
      const spec = join(dirname(file), 'openapi.json');
      if (!existsSync(spec))
        problems.push(`${relative(siteDir, file)}: no openapi.json beside the reference page`);
      else {
        const document = JSON.parse(await readFile(spec, 'utf8'));
        redocAnchors.set(
          file,
          new Set(listOperations(document).map((o) => operationAnchor(o.tag, o.operationId))),
        );
      }
    }
  }
  for (const [file, html] of htmlByFile) {
    const where = relative(siteDir, file).split(sep).join('/');
    for (const m of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
      const attr = /** @type {string} */ (m[1]);
      const url = /** @type {string} */ (m[2]).replace(/&amp;/g, '&');
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
        if (/^data:/i.test(url)) continue;
        if (
          /^https?:/i.test(url) &&
          attr === 'href' &&
          /<a(\s[^>]*)?$/.test(html.slice(0, m.index ?? 0).slice(-300))
        )
          continue;
        problems.push(`${where}: ${attr}="${url}" leaves the site`);
        continue;
      }
      if (url.startsWith('//') || url.startsWith('/')) {
        if (!where.endsWith('404.html'))
          problems.push(
            `${where}: ${attr}="${url}" is absolute; the site must work at any mount point`,
          );
        continue;
      }
      const [pathPart = '', fragment] = url.split('#');
      const target =
        pathPart === ''
          ? file
          : join(dirname(file), decodeURIComponent(pathPart.split('?')[0] ?? ''));
      const resolved =
        existsSync(target) && statSync(target).isDirectory() ? join(target, 'index.html') : target;
      if (!existsSync(resolved)) {
        problems.push(`${where}: ${attr}="${url}" points at nothing`);
        continue;
      }
      if (fragment === undefined || fragment === '') continue;
      const anchors = redocAnchors.get(resolved);
      if (anchors) {
        if (!anchors.has(`#${fragment}`))
          problems.push(`${where}: ${url} names no operation of that reference`);
      } else if (
        resolved.endsWith('.html') &&
        !idsByFile.get(resolved)?.has(decodeURIComponent(fragment))
      ) {
        problems.push(`${where}: ${url} names no element of that page`);
      }
    }
  }
  return problems;
}
