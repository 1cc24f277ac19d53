import type { Expected } from '../case.js';
import { check } from '../check.js';
import type { Observed } from '../send.js';
import { canonicalDisposition } from './content-disposition.js';
import { protocolJson } from './protocol-expected.js';

/**
 * Judges a response as PROTOCOL.md and the spec define the protocol, for servers that are not
 * this project's (the `judge` of `runCase`). Beyond the JSON matchers (`protocol-expected.ts`):
 * - 400 and 422 are one answer: "422 (or 400) with a JSON body naming the offending field for a
 *   malformed request" (PROTOCOL.md section 1);
 * - header names are compared in any case (they already are: `send` lower-cases them) and so are
 *   header values, except where the case's pattern is about exact bytes (percent-encoding);
 * - `Allow` is a set of methods (any order; `HEAD` and `OPTIONS` may be added), `Cache-Control`
 *   a set of directives, `Content-Disposition` the name it conveys (RFC 6266);
 * - `Content-Length` is not required: a server may stream a download in chunks; the bytes are
 *   still compared one by one;
 * - files under the data dir are not looked at (there is none by URL).
 * `alsoAccepted` names other statuses the protocol allows for this response.
 */
export function protocolCheck(
  observed: Observed,
  want: Expected,
  alsoAccepted: readonly number[] = [],
): string[] {
  const status =
    sameAnswer(want.status, observed.status) || alsoAccepted.includes(observed.status)
      ? observed.status
      : want.status;
  const headers = Object.fromEntries(
    Object.entries(want.headers ?? {})
      .filter(([name]) => name.toLowerCase() !== 'content-length')
      .map(([name, value]) => [name.toLowerCase(), headerPattern(name.toLowerCase(), value)]),
  );
  const disposition = observed.headers['content-disposition'];
  const seen =
    disposition === undefined
      ? observed
      : {
          ...observed,
          headers: {
            ...observed.headers,
            'content-disposition': canonicalDisposition(disposition),
          },
        };
  return check(seen, {
    ...want,
    status,
    headers,
    json: want.json === undefined ? undefined : protocolJson(want.json, want.status),
    absentFiles: undefined,
  });
}

const MALFORMED = new Set([400, 422]);

function sameAnswer(wanted: number, observed: number): boolean {
  return wanted === observed || (MALFORMED.has(wanted) && MALFORMED.has(observed));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `GET, POST` in any order and case, with room for `HEAD` and `OPTIONS`. */
function methodSet(list: string): RegExp {
  const methods = list.split(',').map((m) => m.trim().toUpperCase());
  const any = [...new Set([...methods, 'HEAD', 'OPTIONS'])].join('|');
  const each = methods.map((m) => `(?=(?:.*,)?\\s*${m}\\s*(?:,|$))`).join('');
  return new RegExp(`^${each}\\s*(?:${any})\\s*(?:,\\s*(?:${any})\\s*)*$`, 'i');
}

/** `public, max-age=300` as directives present in any order and case, others allowed. */
function directiveSet(list: string): RegExp {
  const each = list
    .split(',')
    .map((d) => d.trim())
    .map((d) => `(?=(?:.*,)?\\s*${escape(d)}\\s*(?:,|$))`)
    .join('');
  return new RegExp(`^${each}`, 'i');
}

function headerPattern(name: string, value: string | RegExp): string | RegExp {
  if (value instanceof RegExp) {
    // A percent-encoded name is exact bytes: `%C3%A9` and `%c3%a9` both decode, but the pattern
    // is checked against the canonical spelling, which is upper case.
    return value.flags.includes('i') || name === 'content-disposition'
      ? value
      : new RegExp(value.source, `${value.flags}i`);
  }
  if (name === 'allow') return methodSet(value);
  if (name === 'cache-control') return directiveSet(value);
  return new RegExp(`^\\s*${escape(value)}\\s*$`, 'i');
}
