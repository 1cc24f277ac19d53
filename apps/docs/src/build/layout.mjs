// The one layout every page of the site shares: header with the main nav, an optional guides
// sidebar, the content, an optional "On this page" list and the footer. Every link is relative,
// so the site works at any mount point (/docs/ in the example app) and from the file system.
import { escapeHtml } from './markdown.mjs';

export const SITE_NAME = 'Agent Protocol';

/**
 * @typedef {object} GuidePage
 * @property {string} slug
 * @property {string} title     The page's h1 (front matter `title`).
 * @property {string} navTitle  Its name in the sidebar (front matter `nav`, else the title).
 * @property {string} section   The sidebar group (front matter `section`).
 * @property {number} order     Position in its group (front matter `order`, then title).
 * @property {string} summary   One sentence for the guides index and the landing page.
 * @property {string} html
 * @property {{ depth: number; id: string; text: string }[]} headings
 *
 * @typedef {object} NavSection
 * @property {string} name
 * @property {GuidePage[]} guides
 *
 * @typedef {object} PageOptions
 * @property {string} root      Relative path from this page to the site root: '' or '../'.
 * @property {string} title     The document title (the site name is appended).
 * @property {string} description
 * @property {'home' | 'guides' | 'reference' | 'versions' | 'none'} active
 * @property {string} body      The page content (HTML).
 * @property {string} specLabel The latest spec version, for the header badge (`v1.2.0`).
 * @property {NavSection[]} [sidebar]  The guides nav, when the page has one.
 * @property {string} [currentSlug]    The guide being shown, highlighted in the sidebar.
 * @property {{ depth: number; id: string; text: string }[]} [toc]
 * @property {string} [bodyClass]
 */

export const LOGO_SVG = `<svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true"><rect width="32" height="32" rx="8" fill="currentColor" opacity=".14"/><path d="M9 22.5 15.2 8.8a1 1 0 0 1 1.8 0L23 22.5" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/><path d="M11.8 17.5h8.6" stroke="currentColor" stroke-width="2.6" stroke-linecap="round"/><circle cx="23.4" cy="9" r="2.4" fill="#22c55e"/></svg>`;

/**
 * The site header, shared by the pages of this layout and the reference pages' template.
 * @param {{ root: string; active: PageOptions['active']; specLabel: string; extra?: string }} options
 */
export function siteHeader({ root, active, specLabel, extra = '' }) {
  /** @param {PageOptions['active']} key @param {string} href @param {string} label */
  const link = (key, href, label) =>
    `<a href="${root}${href}"${active === key ? ' class="active" aria-current="page"' : ''}>${label}</a>`;
  return `<header class="site-header">
  <div class="site-header-inner">
    <a class="brand" href="${root}index.html">${LOGO_SVG}<span>${SITE_NAME}</span></a>
    <nav class="site-nav" aria-label="Main">
      ${link('guides', 'guides/index.html', 'Guides')}
      ${link('reference', 'reference/index.html', 'API reference')}
      ${link('versions', 'versions/index.html', 'Versions')}
    </nav>
    <div class="header-extra">${extra}<span class="badge" title="Latest version of @agent-protocol/spec">spec ${escapeHtml(specLabel)}</span></div>
  </div>
</header>`;
}

/**
 * @param {NavSection[]} sections
 * @param {string} root
 * @param {string | undefined} currentSlug
 */
function sidebar(sections, root, currentSlug) {
  const groups = sections
    .map(
      (section) => `<div class="nav-group">
      <p class="nav-group-title">${escapeHtml(section.name)}</p>
      <ul>${section.guides
        .map(
          (g) =>
            `<li><a href="${root}guides/${g.slug}.html"${g.slug === currentSlug ? ' class="active" aria-current="page"' : ''}>${escapeHtml(g.navTitle)}</a></li>`,
        )
        .join('')}</ul>
    </div>`,
    )
    .join('\n');
  return `<aside class="sidebar" aria-label="Guides">
    <nav>
      <div class="nav-group"><ul>
        <li><a href="${root}guides/index.html"${currentSlug === undefined ? ' class="active"' : ''}>All guides</a></li>
        <li><a href="${root}reference/index.html">API reference</a></li>
        <li><a href="${root}versions/index.html">Versions &amp; changelog</a></li>
      </ul></div>
      ${groups}
    </nav>
  </aside>`;
}

/** @param {{ depth: number; id: string; text: string }[]} toc */
function tocList(toc) {
  if (toc.length < 2) return '';
  return `<aside class="toc" aria-label="On this page">
    <p class="toc-title">On this page</p>
    <ul>${toc.map((h) => `<li class="toc-${h.depth}"><a href="#${h.id}">${escapeHtml(h.text)}</a></li>`).join('')}</ul>
  </aside>`;
}

/** @param {PageOptions} options */
export function renderPage(options) {
  const { root, title, description, active, body, specLabel } = options;
  const hasSidebar = options.sidebar !== undefined;
  const toc = options.toc ? tocList(options.toc) : '';
  const layoutClass = ['layout', hasSidebar ? 'with-sidebar' : '', toc ? 'with-toc' : '']
    .filter(Boolean)
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title === SITE_NAME ? SITE_NAME : `${title} · ${SITE_NAME}`)}</title>
  <meta name="description" content="${escapeHtml(description)}">
  <link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${root}assets/style.css">
</head>
<body class="${options.bodyClass ?? ''}">
<a class="skip-link" href="#content">Skip to content</a>
${siteHeader({ root, active, specLabel })}
<div class="${layoutClass}">
  ${hasSidebar ? sidebar(/** @type {NavSection[]} */ (options.sidebar), root, options.currentSlug) : ''}
  <main id="content" class="content">
${body}
  </main>
  ${toc}
</div>
<footer class="site-footer">
  <div class="site-footer-inner">
    <p>${SITE_NAME} toolkit for TypeScript · MIT licensed · Built from <code>@agent-protocol/spec</code> ${escapeHtml(specLabel)}</p>
    <p><a href="${root}guides/index.html">Guides</a> · <a href="${root}reference/index.html">API reference</a> · <a href="${root}versions/index.html">Versions</a></p>
  </div>
</footer>
</body>
</html>
`;
}
