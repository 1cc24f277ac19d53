// Markdown to HTML for the guides and the changelog: marked, with code highlighted at build time
// by highlight.js (no script in the page), heading anchors, and links between guides and into
// the API reference checked while rendering.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import http from 'highlight.js/lib/languages/http';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import shell from 'highlight.js/lib/languages/shell';
import typescript from 'highlight.js/lib/languages/typescript';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked } from 'marked';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('sh', bash);
hljs.registerLanguage('shell', shell);
hljs.registerLanguage('console', shell);
hljs.registerLanguage('http', http);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('js', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('ts', typescript);
hljs.registerLanguage('yaml', yaml);

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A heading's anchor id: lower-case words joined by `-`.
 * @param {string} text
 */
export function slugify(text) {
  return (
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/&[a-z0-9#]+;/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .replace(/-+/g, '-') || 'section'
  );
}

/**
 * Splits `---\nkey: value\n---\n` front matter from a markdown file. Values are strings, or
 * numbers when they look like numbers; quotes around a value are removed.
 * @param {string} source
 * @returns {{ data: Record<string, string | number>; body: string }}
 */
export function parseFrontMatter(source) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!m) return { data: {}, body: source };
  /** @type {Record<string, string | number>} */
  const data = {};
  for (const line of /** @type {string} */ (m[1]).split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`Front matter line is not 'key: value': ${line}`);
    let value = /** @type {string} */ (kv[2]).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    data[/** @type {string} */ (kv[1])] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return { data, body: source.slice(m[0].length) };
}

/**
 * @typedef {object} LinkContext
 * @property {(href: string) => string} resolve  Rewrites an href (e.g. `errors.md` to
 *   `errors.html`, `operation:createAgentTask` to its reference anchor); throws on a dead link.
 * @property {number} [headingOffset]  Added to every heading level (changelog sections sit under
 *   a version heading).
 *
 * @typedef {object} RenderedMarkdown
 * @property {string} html
 * @property {{ depth: number; id: string; text: string }[]} headings  h2 and h3, for the page TOC.
 * @property {string | undefined} title  The first h1's text, if any.
 */

/**
 * @param {string} markdown
 * @param {LinkContext} context
 * @returns {RenderedMarkdown}
 */
export function renderMarkdown(markdown, context) {
  /** @type {RenderedMarkdown['headings']} */
  const headings = [];
  /** @type {string | undefined} */
  let title;
  const used = new Map();
  const offset = context.headingOffset ?? 0;

  const marked = new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type === 'link' || token.type === 'image') token.href = context.resolve(token.href);
    },
    renderer: {
      heading({ tokens, depth, text }) {
        const inner = this.parser.parseInline(tokens);
        const plain = text.replace(/`/g, '');
        const base = slugify(plain);
        const n = used.get(base) ?? 0;
        used.set(base, n + 1);
        const id = n === 0 ? base : `${base}-${n}`;
        const level = Math.min(6, depth + offset);
        if (depth === 1 && title === undefined) title = plain;
        if (depth === 2 || depth === 3) headings.push({ depth, id, text: plain });
        if (level === 1) return `<h1 id="${id}">${inner}</h1>\n`;
        return `<h${level} id="${id}"><a class="anchor" href="#${id}" aria-label="Link to this section">#</a>${inner}</h${level}>\n`;
      },
      code({ text, lang }) {
        const language = (lang ?? '').trim().split(/\s+/)[0] ?? '';
        const known = language !== '' && hljs.getLanguage(language) !== undefined;
        const body = known
          ? hljs.highlight(text, { language, ignoreIllegals: true }).value
          : escapeHtml(text);
        const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : '';
        return `<div class="code-block">${label}<pre><code class="hljs${known ? ` language-${language}` : ''}">${body}</code></pre></div>\n`;
      },
      table(token) {
        // Wide tables scroll on their own instead of widening the page.
        const header = token.header.map((cell) => this.tablecell(cell)).join('');
        const rows = token.rows
          .map((row) => `<tr>${row.map((cell) => this.tablecell(cell)).join('')}</tr>`)
          .join('\n');
        return `<div class="table-wrap"><table><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table></div>\n`;
      },
      blockquote({ tokens }) {
        const inner = this.parser.parse(tokens);
        const note = /^<p><strong>(Note|Tip|Warning|Important)[:.]?<\/strong>/i.exec(inner);
        const kind = note ? /** @type {string} */ (note[1]).toLowerCase() : 'note';
        return `<aside class="callout callout-${kind}">${inner}</aside>\n`;
      },
    },
  });
  const html = /** @type {string} */ (marked.parse(markdown, { async: false }));
  return { html, headings, title };
}
