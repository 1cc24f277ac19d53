// Builds the whole site into one directory:
//   index.html                      landing page
//   guides/index.html, <slug>.html  the guides (guides/*.md)
//   reference/index.html            the API reference of the spec package's current bundle
//   reference/<version>/index.html  the API reference of every documented version
//   reference/[<version>/]openapi.json|yaml  the documents themselves, for download
//   versions/index.html             every version, its changelog entry and what changed
//   assets/                         stylesheets and icon (no fonts, no scripts, no CDN)
//   404.html
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffSpecs, isEmptyDiff, listOperations } from './diff.mjs';
import { renderPage, SITE_NAME } from './layout.mjs';
import { escapeHtml, parseFrontMatter, renderMarkdown } from './markdown.mjs';
import { buildReferencePage, docsDir, operationAnchor } from './reference.mjs';
import { loadSpecSources, splitChangelog } from './versions.mjs';

/**
 * @typedef {import('./layout.mjs').GuidePage} GuidePage
 * @typedef {import('./layout.mjs').NavSection} NavSection
 * @typedef {import('./versions.mjs').SpecVersion} SpecVersion
 * @typedef {import('./versions.mjs').SpecSources} SpecSources
 * @typedef {import('./diff.mjs').OperationInfo} OperationInfo
 * @typedef {import('./diff.mjs').SpecDiff} SpecDiff
 *
 * @typedef {object} BuildOptions
 * @property {string} [specDir]    The spec package directory (default: the installed spec package).
 * @property {string} [outDir]     Default: apps/docs/dist.
 * @property {string} [guidesDir]  Default: apps/docs/guides.
 * @property {(line: string) => void} [log]
 *
 * @typedef {object} BuildResult
 * @property {string} outDir
 * @property {SpecSources} sources
 * @property {GuidePage[]} guides
 * @property {string[]} files  Every file written, relative to outDir.
 */

export const defaultOutDir = join(docsDir, 'dist');
export const defaultGuidesDir = join(docsDir, 'guides');
const assetsDir = join(docsDir, 'site', 'assets');

/**
 * Reads guides/*.md and guides/sections.json (the order of the sidebar groups). A new guide is
 * one markdown file with front matter: `title`, `section`, `order`, `summary` and optionally
 * `nav` (a shorter sidebar name). A section not in sections.json is listed after the others.
 * @param {string} guidesDir
 * @param {(href: string, root: string) => string} resolveLink
 */
async function loadGuides(guidesDir, resolveLink) {
  /** @type {{ sections: string[] }} */
  const nav = JSON.parse(await readFile(join(guidesDir, 'sections.json'), 'utf8'));
  const files = (await readdir(guidesDir))
    .filter((f) => f.endsWith('.md') && !/^readme\.md$/i.test(f))
    .sort();
  /** @type {GuidePage[]} */
  const guides = [];
  for (const file of files) {
    const slug = file.slice(0, -3);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(slug))
      throw new Error(`guides/${file}: name guides in lower-case-with-dashes.md`);
    const { data, body } = parseFrontMatter(await readFile(join(guidesDir, file), 'utf8'));
    for (const key of ['title', 'section', 'summary']) {
      if (typeof data[key] !== 'string' || data[key] === '')
        throw new Error(`guides/${file}: front matter needs '${key}'.`);
    }
    const rendered = renderMarkdown(body, {
      resolve: (href) => {
        try {
          return resolveLink(href, '../');
        } catch (error) {
          throw new Error(`guides/${file}: ${/** @type {Error} */ (error).message}`, {
            cause: error,
          });
        }
      },
    });
    if (rendered.title !== undefined)
      throw new Error(
        `guides/${file}: the title comes from front matter; remove the '# ' heading.`,
      );
    guides.push({
      slug,
      title: String(data.title),
      navTitle: String(data.nav ?? data.title),
      section: String(data.section),
      order: typeof data.order === 'number' ? data.order : 1000,
      summary: String(data.summary),
      html: rendered.html,
      headings: rendered.headings,
    });
  }
  /** @type {NavSection[]} */
  const sections = [];
  const names = [
    ...nav.sections,
    ...new Set(guides.map((g) => g.section).filter((s) => !nav.sections.includes(s))),
  ];
  for (const name of names) {
    const inSection = guides
      .filter((g) => g.section === name)
      .sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
    if (inSection.length > 0) sections.push({ name, guides: inSection });
  }
  return { guides: sections.flatMap((s) => s.guides), sections };
}

/** @param {string} method */
function methodBadge(method) {
  return `<span class="method method-${method.toLowerCase()}">${method}</span>`;
}

/**
 * Groups operations by tag, in the order of the document's `tags` list.
 * @param {Record<string, any>} document
 */
function operationsByTag(document) {
  const operations = listOperations(document);
  const order = Array.isArray(document.tags)
    ? document.tags.map((/** @type {any} */ t) => String(t.name))
    : [];
  /** @type {Map<string, { description: string; operations: OperationInfo[] }>} */
  const groups = new Map();
  for (const name of order) {
    const tag = document.tags.find((/** @type {any} */ t) => t.name === name);
    groups.set(name, { description: String(tag?.description ?? ''), operations: [] });
  }
  for (const op of operations) {
    if (!groups.has(op.tag)) groups.set(op.tag, { description: '', operations: [] });
    groups.get(op.tag)?.operations.push(op);
  }
  return [...groups].filter(([, g]) => g.operations.length > 0);
}

/**
 * @param {Record<string, any>} document
 * @param {string} referenceHref  e.g. `reference/index.html`
 */
function operationsTable(document, referenceHref) {
  return operationsByTag(document)
    .map(
      ([tag, group]) => `<section class="op-group">
  <h3 id="ops-${escapeHtml(tag)}">${escapeHtml(tag)}</h3>
  ${group.description ? `<p class="muted">${escapeHtml(group.description)}</p>` : ''}
  <ul class="op-list">${group.operations
    .map(
      (op) =>
        `<li><a class="op-link" data-operation-id="${escapeHtml(op.operationId)}" href="${referenceHref}${operationAnchor(op.tag, op.operationId)}">${methodBadge(op.method)}<code class="op-path">${escapeHtml(op.path)}</code><span class="op-summary">${escapeHtml(op.summary)}</span></a></li>`,
    )
    .join('')}</ul>
</section>`,
    )
    .join('\n');
}

/**
 * @param {SpecSources} sources
 * @param {NavSection[]} sections
 * @param {string} specLabel
 * @param {string} quickStartHtml
 */
function landingPage(sources, sections, specLabel, quickStartHtml) {
  const doc = sources.latest.document;
  const count = listOperations(doc).length;
  const guideCards = sections
    .flatMap((s) => s.guides)
    .slice(0, 6)
    .map(
      (g) =>
        `<a class="card card-link" href="guides/${g.slug}.html"><span class="card-kicker">${escapeHtml(g.section)}</span><strong>${escapeHtml(g.title)}</strong><span>${escapeHtml(g.summary)}</span></a>`,
    )
    .join('\n');
  const body = `<section class="hero">
  <p class="eyebrow">Agent Protocol toolkit for TypeScript</p>
  <h1>Serve any agent over one small, well-specified REST API</h1>
  <p class="lede">The Agent Protocol is the API through which a UI, a benchmark or another agent drives an agent:
  it creates <strong>tasks</strong>, runs their <strong>steps</strong> and exchanges <strong>artifacts</strong>.
  This project ships the OpenAPI document, a framework-free core that validates, stores, authenticates and
  keeps secrets, adapters for Express, Koa, NestJS and plain node:http, and a conformance fixture that proves a
  server speaks the protocol.</p>
  <div class="hero-actions">
    <a class="button primary" href="guides/getting-started.html">Get started</a>
    <a class="button" href="reference/index.html">API reference</a>
    <a class="button" href="versions/index.html">Versions &amp; changelog</a>
  </div>
</section>

<section class="doorways">
  <a class="card card-link" href="guides/index.html"><span class="card-kicker">Learn</span><strong>Guides</strong><span>Step by step, from an empty folder to an agent that passes the conformance fixture.</span></a>
  <a class="card card-link" href="reference/index.html"><span class="card-kicker">Look up</span><strong>API reference</strong><span>All ${count} operations of spec ${escapeHtml(specLabel)}, with schemas and examples.</span></a>
  <a class="card card-link" href="versions/index.html"><span class="card-kicker">Track</span><strong>Versions</strong><span>Every published version of the spec, its changelog and what changed in the API.</span></a>
</section>

<section class="prose">
  <h2 id="quick-start">Quick start</h2>
  <p>Serve an agent from Express in a dozen lines. The <a href="guides/getting-started.html">getting started guide</a> explains every one of them.</p>
  ${quickStartHtml}
</section>

<section class="prose">
  <h2 id="guides">Guides</h2>
  <div class="card-grid">${guideCards}</div>
</section>

<section class="prose operations">
  <h2 id="operations">Operations</h2>
  <p>Everything under <code>/ap/v1</code> for tasks, steps and artifacts is wire-compatible with upstream Agent Protocol v1.
  The extensions from the community RFCs are served too: the info endpoint and config options, authentication,
  secrets management, run-time secret demands and client-executed functions.</p>
  ${operationsTable(doc, 'reference/index.html')}
</section>`;
  return renderPage({
    root: '',
    title: SITE_NAME,
    description:
      'Docs for the Agent Protocol TypeScript toolkit: API reference, guides and versions.',
    active: 'home',
    body,
    specLabel,
    bodyClass: 'home',
  });
}

/**
 * @param {NavSection[]} sections
 * @param {string} specLabel
 */
function guidesIndexPage(sections, specLabel) {
  const body = `<article class="prose">
  <h1>Guides</h1>
  <p class="lede">Written for newcomers: start at the top and you will have an agent served, configured, tested and released.</p>
  ${sections
    .map(
      (
        s,
      ) => `<h2 id="${escapeHtml(s.name.toLowerCase().replace(/\s+/g, '-'))}">${escapeHtml(s.name)}</h2>
  <div class="card-grid">${s.guides
    .map(
      (g) =>
        `<a class="card card-link" href="${g.slug}.html"><strong>${escapeHtml(g.title)}</strong><span>${escapeHtml(g.summary)}</span></a>`,
    )
    .join('\n')}</div>`,
    )
    .join('\n')}
</article>`;
  return renderPage({
    root: '../',
    title: 'Guides',
    description: 'Guides for the Agent Protocol TypeScript toolkit.',
    active: 'guides',
    body,
    specLabel,
    sidebar: sections,
  });
}

/**
 * @param {GuidePage} guide
 * @param {NavSection[]} sections
 * @param {string} specLabel
 */
function guidePage(guide, sections, specLabel) {
  const flat = sections.flatMap((s) => s.guides);
  const i = flat.findIndex((g) => g.slug === guide.slug);
  const prev = flat[i - 1];
  const next = flat[i + 1];
  const pager = `<nav class="pager" aria-label="Previous and next guide">
    ${prev ? `<a class="pager-prev" href="${prev.slug}.html"><span>Previous</span>${escapeHtml(prev.navTitle)}</a>` : '<span></span>'}
    ${next ? `<a class="pager-next" href="${next.slug}.html"><span>Next</span>${escapeHtml(next.navTitle)}</a>` : '<span></span>'}
  </nav>`;
  const body = `<article class="prose">
  <p class="eyebrow">${escapeHtml(guide.section)}</p>
  <h1>${escapeHtml(guide.title)}</h1>
  <p class="lede">${escapeHtml(guide.summary)}</p>
  ${guide.html}
  ${pager}
</article>`;
  return renderPage({
    root: '../',
    title: guide.title,
    description: guide.summary,
    active: 'guides',
    body,
    specLabel,
    sidebar: sections,
    currentSlug: guide.slug,
    toc: guide.headings,
  });
}

/** @param {string[]} items */
function codeList(items) {
  return items.map((x) => `<code>${escapeHtml(x)}</code>`).join(', ');
}

/**
 * @param {SpecDiff} diff
 * @param {string} referenceHref  This version's reference page, relative to the versions page.
 */
function diffHtml(diff, referenceHref) {
  if (isEmptyDiff(diff)) return '<p class="muted">No operation or schema was added or removed.</p>';
  /** @type {string[]} */
  const rows = [];
  for (const op of diff.operationsAdded) {
    rows.push(
      `<li class="change-added"><span class="change-kind">added</span>${methodBadge(op.method)} <a href="${referenceHref}${operationAnchor(op.tag, op.operationId)}"><code>${escapeHtml(op.path)}</code></a> ${escapeHtml(op.summary)} <span class="muted">(${escapeHtml(op.operationId)})</span></li>`,
    );
  }
  for (const op of diff.operationsRemoved) {
    rows.push(
      `<li class="change-removed"><span class="change-kind">removed</span>${methodBadge(op.method)} <code>${escapeHtml(op.path)}</code> ${escapeHtml(op.summary)} <span class="muted">(${escapeHtml(op.operationId)})</span></li>`,
    );
  }
  for (const move of diff.operationsMoved) {
    rows.push(
      `<li class="change-changed"><span class="change-kind">moved</span><code>${escapeHtml(move.operationId)}</code>: <code>${escapeHtml(move.from)}</code> → <code>${escapeHtml(move.to)}</code></li>`,
    );
  }
  for (const p of diff.parametersChanged) {
    const parts = [];
    if (p.added.length) parts.push(`parameters added: ${codeList(p.added)}`);
    if (p.removed.length) parts.push(`parameters removed: ${codeList(p.removed)}`);
    rows.push(
      `<li class="change-changed"><span class="change-kind">changed</span><code>${escapeHtml(p.operationId)}</code>: ${parts.join('; ')}</li>`,
    );
  }
  const ops = rows.length ? `<h4>Operations</h4><ul class="changes">${rows.join('\n')}</ul>` : '';
  /** @type {string[]} */
  const schemaRows = [];
  for (const name of diff.schemasAdded)
    schemaRows.push(
      `<li class="change-added"><span class="change-kind">added</span><code>${escapeHtml(name)}</code></li>`,
    );
  for (const name of diff.schemasRemoved)
    schemaRows.push(
      `<li class="change-removed"><span class="change-kind">removed</span><code>${escapeHtml(name)}</code></li>`,
    );
  for (const s of diff.schemasChanged) {
    const parts = [];
    if (s.propertiesAdded.length) parts.push(`properties added: ${codeList(s.propertiesAdded)}`);
    if (s.propertiesRemoved.length)
      parts.push(`properties removed: ${codeList(s.propertiesRemoved)}`);
    if (s.nowRequired.length) parts.push(`now required: ${codeList(s.nowRequired)}`);
    if (s.noLongerRequired.length)
      parts.push(`no longer required: ${codeList(s.noLongerRequired)}`);
    schemaRows.push(
      `<li class="change-changed"><span class="change-kind">changed</span><code>${escapeHtml(s.name)}</code>: ${parts.join('; ')}</li>`,
    );
  }
  const schemas = schemaRows.length
    ? `<h4>Schemas</h4><ul class="changes">${schemaRows.join('\n')}</ul>`
    : '';
  return ops + schemas;
}

/**
 * The version tagged "latest": the newest version with a number (the unreleased bundle is not one).
 * @param {SpecSources} sources
 */
function newestVersion(sources) {
  return sources.versions.find((v) => v.id !== 'unreleased') ?? sources.latest;
}

/**
 * The reference page of a version, relative to the site root.
 * @param {SpecVersion} v
 * @param {SpecSources} sources
 */
function referencePath(v, sources) {
  return v === sources.latest && v.id === 'unreleased'
    ? 'reference/index.html'
    : `reference/${v.id}/index.html`;
}

/**
 * @param {SpecSources} sources
 * @param {Map<string, string>} changelog
 * @param {string} specLabel
 * @param {(href: string, root: string) => string} resolveLink
 */
function versionsPage(sources, changelog, specLabel, resolveLink) {
  const { versions, latest } = sources;
  const newest = newestVersion(sources);
  const summaryRows = versions
    .map((v) => {
      const ops = listOperations(v.document).length;
      const schemas = Object.keys(v.document.components?.schemas ?? {}).length;
      return `<tr><td><a href="#v${escapeHtml(v.id)}">${escapeHtml(v.label)}</a>${v === newest ? ' <span class="tag">latest</span>' : ''}</td><td>${v.published ? 'published' : 'not published yet'}</td><td>${ops}</td><td>${schemas}</td><td><a href="../${referencePath(v, sources)}">reference</a></td></tr>`;
    })
    .join('\n');
  const entries = versions.map((v, i) => {
    const older = versions[i + 1];
    const dir = v === latest && v.id === 'unreleased' ? '../reference/' : `../reference/${v.id}/`;
    const refHref = `../${referencePath(v, sources)}`;
    const downloads = [`<a href="${dir}openapi.json" download>openapi.json</a>`];
    if (v.yamlPath) downloads.push(`<a href="${dir}openapi.yaml" download>openapi.yaml</a>`);
    const notes = v.id === 'unreleased' ? undefined : changelog.get(v.version);
    let changelogHtml;
    if (notes) {
      changelogHtml = renderMarkdown(notes, {
        resolve: (href) => resolveLink(href, '../'),
        headingOffset: 1,
      }).html;
    } else if (v.id === 'unreleased') {
      changelogHtml = `<p class="muted">The spec package's current bundle differs from the published v${escapeHtml(v.version)}. Its changelog entry is written when the next version is cut (<a href="../guides/publishing.html">how</a>).</p>`;
    } else {
      changelogHtml = `<p class="muted">No changelog entry for this version${sources.changelog ? '' : ' (spec/CHANGELOG.md does not exist yet: it is written by <code>pnpm version-packages</code>)'}.</p>`;
    }
    const ops = listOperations(v.document).length;
    const schemas = Object.keys(v.document.components?.schemas ?? {}).length;
    const changes = older
      ? `<h3>What changed in the API since ${escapeHtml(older.label)}</h3>${diffHtml(diffSpecs(older.document, v.document), refHref)}`
      : `<h3>What is in the API</h3><p class="muted">The first documented version: ${ops} operations and ${schemas} schemas.</p>`;
    const badges = [
      v === newest ? '<span class="tag">latest</span>' : '',
      v.published ? '' : '<span class="tag tag-muted">not published yet</span>',
    ].join(' ');
    return `<section class="version-entry" id="v${escapeHtml(v.id)}">
  <div class="version-head">
    <h2><a class="anchor" href="#v${escapeHtml(v.id)}" aria-label="Link to this version">#</a>${escapeHtml(v.label)} ${badges}</h2>
    <p class="version-links"><a class="button small" href="${refHref}">API reference</a> ${downloads.join(' ')}</p>
  </div>
  <h3>Changelog</h3>
  <div class="changelog">${changelogHtml}</div>
  ${changes}
</section>`;
  });
  const body = `<article class="prose wide">
  <h1>Versions</h1>
  <p class="lede">Every published version of <code>@agent-protocol/spec</code>, browsable, with its changelog and the
  operations and schemas it added or removed. All <code>@agent-protocol/*</code> packages share one version, so
  <code>@agent-protocol/express</code> vX serves spec vX.</p>
  <div class="table-wrap"><table class="versions-table">
    <thead><tr><th>Version</th><th>Status</th><th>Operations</th><th>Schemas</th><th></th></tr></thead>
    <tbody>${summaryRows}</tbody>
  </table></div>
  <p class="muted">The changelog is <code>spec/CHANGELOG.md</code>, written by changesets; the "what changed" lists are
  computed from the bundled documents. <a href="../guides/publishing.html">How versions are published.</a></p>
  ${entries.join('\n')}
</article>`;
  return renderPage({
    root: '../',
    title: 'Versions',
    description: 'Every version of the Agent Protocol spec, with its changelog and API changes.',
    active: 'versions',
    body,
    specLabel,
  });
}

/** @param {string} specLabel */
function notFoundPage(specLabel) {
  // Served for any missing path, at any depth: links must not be relative to it.
  return renderPage({
    root: '',
    title: 'Page not found',
    description: 'This page does not exist.',
    active: 'none',
    body: `<article class="prose"><h1>Page not found</h1><p>There is no page at this address. Try the <a href="index.html">home page</a>.</p></article>`,
    specLabel,
  });
}

/**
 * @param {BuildOptions} [options]
 * @returns {Promise<BuildResult>}
 */
export async function buildSite(options = {}) {
  const outDir = options.outDir ?? defaultOutDir;
  const guidesDir = options.guidesDir ?? defaultGuidesDir;
  const log = options.log ?? (() => {});
  const sources = await loadSpecSources(options.specDir);
  const { latest } = sources;
  const specLabel = latest.id === 'unreleased' ? `v${latest.version}+` : latest.label;
  const latestOps = new Map(listOperations(latest.document).map((o) => [o.operationId, o]));

  /** @type {Set<string>} */
  let guideSlugs = new Set();
  /**
   * Rewrites links written in markdown: `other-guide.md#part` to `other-guide.html#part`,
   * `operation:createAgentTask` to that operation in the latest reference. Throws on dead ones.
   * @param {string} href
   * @param {string} root
   */
  const resolveLink = (href, root) => {
    const op = /^operation:(.+)$/.exec(href);
    if (op) {
      const found = latestOps.get(/** @type {string} */ (op[1]));
      if (!found) throw new Error(`link to unknown operation '${op[1]}'`);
      return `${root}reference/index.html${operationAnchor(found.tag, found.operationId)}`;
    }
    const md = /^([a-z0-9-]+)\.md(#.*)?$/.exec(href);
    if (md) {
      if (!guideSlugs.has(/** @type {string} */ (md[1])))
        throw new Error(`link to missing guide '${href}'`);
      return `${md[1]}.html${md[2] ?? ''}`;
    }
    return href;
  };

  const guideFiles = (await readdir(guidesDir)).filter(
    (f) => f.endsWith('.md') && !/^readme\.md$/i.test(f),
  );
  guideSlugs = new Set(guideFiles.map((f) => f.slice(0, -3)));
  const { guides, sections } = await loadGuides(guidesDir, resolveLink);

  await rm(outDir, { recursive: true, force: true });
  /** @type {string[]} */
  const files = [];
  /** @param {string} rel @param {string} content */
  const write = async (rel, content) => {
    await mkdir(join(outDir, rel, '..'), { recursive: true });
    await writeFile(join(outDir, rel), content);
    files.push(rel);
  };
  /** @param {string} from @param {string} rel */
  const copy = async (from, rel) => {
    await mkdir(join(outDir, rel, '..'), { recursive: true });
    await copyFile(from, join(outDir, rel));
    files.push(rel);
  };

  // Assets: one stylesheet for the site, one for the header over Redoc pages.
  const header = await readFile(join(assetsDir, 'header.css'), 'utf8');
  await write(
    'assets/style.css',
    `${await readFile(join(assetsDir, 'base.css'), 'utf8')}\n${header}\n${await readFile(join(assetsDir, 'site.css'), 'utf8')}`,
  );
  await write(
    'assets/reference.css',
    `${header}\n${await readFile(join(assetsDir, 'reference.css'), 'utf8')}`,
  );
  await copy(join(assetsDir, 'favicon.svg'), 'assets/favicon.svg');

  // Reference pages, one per version, and /reference/ for the current bundle.
  const newest = newestVersion(sources);
  const versionLinks = (/** @type {string} */ root, /** @type {SpecVersion} */ current) =>
    sources.versions.map((v) => ({
      id: v.id,
      label: v.label,
      href: `${root}${referencePath(v, sources)}`,
      current: v === current,
      latest: v === newest,
    }));
  /** @type {{ v: SpecVersion; rel: string; root: string }[]} */
  const pages = [{ v: latest, rel: 'reference', root: '../' }];
  for (const v of sources.versions) {
    if (v.id !== 'unreleased') pages.push({ v, rel: `reference/${v.id}`, root: '../../' });
  }
  for (const { v, rel, root } of pages) {
    log(`reference: ${v.label} -> ${rel}/index.html`);
    await mkdir(join(outDir, rel), { recursive: true });
    let notice;
    if (v.id === 'unreleased') {
      notice = `This is the spec package's current bundle, with changes not yet released after v${escapeHtml(v.version)}. <a href="${root}versions/index.html#vunreleased">See what changed</a>.`;
    } else if (v !== newest) {
      notice = `You are reading the API reference of <strong>${escapeHtml(v.label)}</strong>. The latest version is <a href="${root}${referencePath(newest, sources)}">${escapeHtml(newest.label)}</a>; <a href="${root}versions/index.html#v${escapeHtml(v.id)}">see what changed</a>.`;
    }
    await buildReferencePage({
      jsonPath: v.jsonPath,
      outFile: join(outDir, rel, 'index.html'),
      root,
      title: `${v.document.info?.title ?? 'API'} ${v.label} · API reference`,
      specLabel,
      versions: versionLinks(root, v),
      notice,
      versionsAnchor: `${root}versions/index.html#v${v.id}`,
    });
    files.push(`${rel}/index.html`);
    await copy(v.jsonPath, `${rel}/openapi.json`);
    if (v.yamlPath) await copy(v.yamlPath, `${rel}/openapi.yaml`);
  }

  // Guides.
  for (const guide of guides)
    await write(`guides/${guide.slug}.html`, guidePage(guide, sections, specLabel));
  await write('guides/index.html', guidesIndexPage(sections, specLabel));

  // Versions.
  await write(
    'versions/index.html',
    versionsPage(sources, splitChangelog(sources.changelog), specLabel, resolveLink),
  );

  // Landing page.
  const quickStart = renderMarkdown(
    [
      '```ts',
      "import express from 'express';",
      "import { defineAgent } from '@agent-protocol/core';",
      "import { agentRouter } from '@agent-protocol/express';",
      '',
      'const agent = defineAgent({',
      "  info: { name: 'Echo', version: '1.0.0' },",
      '  async onStep({ input }) {',
      "    return { output: `You said: ${input}`, is_last: input === 'finish' };",
      '  },',
      '});',
      '',
      "express().use(agentRouter({ agent, dataDir: './.agent-data' })).listen(8000, '127.0.0.1');",
      '```',
    ].join('\n'),
    { resolve: (href) => href },
  ).html;
  await write('index.html', landingPage(sources, sections, specLabel, quickStart));
  await write('404.html', notFoundPage(specLabel));

  return { outDir, sources, guides, files };
}
