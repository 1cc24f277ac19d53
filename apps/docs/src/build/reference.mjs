// The API reference pages: `redocly build-docs` (Redoc CE) per spec version, with the script
// embedded in the page (--inlineBundle) so nothing is fetched from a CDN, wrapped in a template
// that carries the site header and a version switcher.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siteHeader } from './layout.mjs';
import { escapeHtml } from './markdown.mjs';

/** apps/docs: redocly runs here so it picks up apps/docs/redocly.yaml (`telemetry: off`). */
export const docsDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Redoc renders each operation at `#/<tag slug>/<operationId in lower case>` (Redoc CE 3's hash
 * routes; the browser test checks every one of them exists in the rendered page).
 * @param {string} tag
 * @param {string} operationId
 */
export function operationAnchor(tag, operationId) {
  const tagSlug = tag
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/&/g, '-and-')
    .replace(/--+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `#/${tagSlug}/${operationId.toLowerCase()}`;
}

/**
 * Redoc's footer shows Redocly's logo from cdn.redoc.ly, which cannot load offline (and would
 * be a request leaving the machine). The same mark, served from the page itself.
 */
const LOCAL_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16" viewBox="0 0 64 16"><text x="0" y="12.5" font-family="system-ui,sans-serif" font-size="12.5" font-weight="700" fill="#0044d4">Redocly</text></svg>',
)}`;
const CDN_ASSETS = /https:\/\/cdn\.redoc(?:ly)?\.(?:ly|com)\/redoc\/logo-mini(?:-full)?\.svg/g;

/**
 * Makes a Redocly page self-contained and fails the build if something would still come from a
 * CDN.
 * @param {string} html
 */
export function localizeRedocPage(html) {
  const out = html.replace(CDN_ASSETS, LOCAL_LOGO);
  // Redoc's bundle also names icon-set base URLs on cdn.redocly.com/icons, used only by markdown
  // icon components this spec does not use; the browser test proves nothing is requested.
  const leftover = /https:\/\/cdn\.redoc(?:ly)?\.(?:ly|com)\/redoc\/[^\s"'`)]*/.exec(out);
  if (leftover) {
    throw new Error(
      `The Redoc page still refers to ${leftover[0]}: it must work offline. Update localizeRedocPage() for this @redocly/cli version.`,
    );
  }
  if (
    !/<script type="module">[\s\S]*hydrate\(/.test(out) ||
    /import \{ hydrate \} from "http/.test(out)
  ) {
    throw new Error(
      'The Redoc page does not embed its script: build-docs must run with --inlineBundle.',
    );
  }
  return out;
}

/**
 * @typedef {object} ReferenceVersionLink
 * @property {string} id
 * @property {string} label
 * @property {string} href   Relative to the page being built.
 * @property {boolean} current  The page being built.
 * @property {boolean} latest
 *
 * @typedef {object} ReferencePageOptions
 * @property {string} jsonPath   The bundled OpenAPI document to render.
 * @property {string} outFile
 * @property {string} root       Relative path from the page to the site root.
 * @property {string} title
 * @property {string} specLabel  For the header badge.
 * @property {ReferenceVersionLink[]} versions
 * @property {string | undefined} notice  HTML for a bar under the header (older versions).
 * @property {string} versionsAnchor  Link to this version's entry on the versions page.
 */

/** @param {ReferencePageOptions} options */
function template(options) {
  const { root, versions } = options;
  const current = versions.find((v) => v.current);
  const menu = `<details class="version-menu">
    <summary aria-label="Spec version">${escapeHtml(current?.label ?? 'Versions')}</summary>
    <ul>${versions
      .map(
        (v) =>
          `<li><a href="${v.href}"${v.current ? ' aria-current="page"' : ''}>${escapeHtml(v.label)}${v.latest ? ' <span class="tag">latest</span>' : ''}</a></li>`,
      )
      .join('')}
      <li class="version-menu-all"><a href="${root}versions/index.html">All versions &amp; changes</a></li>
    </ul>
  </details>`;
  const header = siteHeader({
    root,
    active: 'reference',
    specLabel: options.specLabel,
    extra: menu,
  });
  const notice = options.notice ? `<div class="version-notice">${options.notice}</div>` : '';
  // Handlebars template: only {{title}}, {{{redocHead}}} and {{{redocHTML}}} are Redocly's.
  // Everything else is literal HTML, so it must not contain "{{".
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>{{title}}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${root}assets/reference.css">
  {{{redocHead}}}
</head>
<body class="reference-page${options.notice ? ' has-notice' : ''}">
${header}
${notice}
<div class="reference-body" data-versions-anchor="${escapeHtml(options.versionsAnchor)}">
  {{{redocHTML}}}
</div>
</body>
</html>
`;
  if (html.replace(/\{\{\{?(title|redocHead|redocHTML)\}?\}\}/g, '').includes('{{')) {
    throw new Error('The reference template would contain a stray Handlebars expression.');
  }
  return html;
}

/** The Redocly CLI entry point of the pinned @redocly/cli. */
function redoclyCli() {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
}

/**
 * Builds one reference page.
 * @param {ReferencePageOptions} options
 */
export async function buildReferencePage(options) {
  const work = await mkdtemp(join(tmpdir(), 'ap-docs-'));
  try {
    const templateFile = join(work, 'reference.hbs');
    await writeFile(templateFile, template(options));
    const args = [
      redoclyCli(),
      'build-docs',
      options.jsonPath,
      '--inlineBundle',
      '--output',
      options.outFile,
      '--title',
      options.title,
      '--template',
      templateFile,
      '--config',
      join(docsDir, 'redocly.yaml'),
    ];
    const result = spawnSync(process.execPath, args, {
      cwd: docsDir,
      encoding: 'utf8',
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        NO_COLOR: '1',
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(
        `redocly build-docs ${options.jsonPath} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    const html = await readFile(options.outFile, 'utf8');
    await writeFile(options.outFile, localizeRedocPage(html));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
