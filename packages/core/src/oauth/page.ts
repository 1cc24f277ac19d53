import { Readable } from 'node:stream';
import type { CoreResponse } from '../http/types.js';

/**
 * The one HTML the API answers: the page a browser lands on after a sign-in at a provider. It is
 * self-contained (no script, no outside resource, no link), so the CSP can forbid everything, and
 * it names nothing of the request: the code and state stay in the address bar only.
 */

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Headers of every answer of the callback: about one sign-in, never cached or referred. */
export const CALLBACK_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2330}' +
  'main{max-width:32rem;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 4px #0002}' +
  'h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:0;line-height:1.5}';

/** The page, as a body every adapter writes as it is (a stream, like an artifact download). */
export function callbackPage(status: number, title: string, message: string): CoreResponse {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>\n`;
  const bytes = Buffer.from(html, 'utf8');
  return {
    status,
    headers: {
      ...CALLBACK_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(bytes.length),
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
    body: { kind: 'stream', stream: Readable.from([bytes]) },
  };
}

/** The quality a media range list gives a type: its most specific matching range's `q` (RFC 9110). */
function quality(ranges: { type: string; q: number }[], type: string): number {
  const [major] = type.split('/');
  let best: { specificity: number; q: number } = { specificity: -1, q: 0 };
  for (const range of ranges) {
    const specificity =
      range.type === type ? 2 : range.type === `${major}/*` ? 1 : range.type === '*/*' ? 0 : -1;
    if (specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best.q;
}

/**
 * Whether the request prefers `text/html` to JSON: a browser (which asks for HTML first and
 * takes anything at a lower quality). `*\/*` alone, or no `Accept`, is JSON: the API's default.
 */
export function prefersHtml(accept: string | string[] | undefined): boolean {
  const text = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  const ranges = text
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const value = q === undefined ? 1 : Number(q.slice(2));
      return { type, q: Number.isFinite(value) ? value : 0 };
    })
    .filter((r) => r.type !== '');
  const html = quality(ranges, 'text/html');
  return html > 0 && html > quality(ranges, 'application/json');
}
