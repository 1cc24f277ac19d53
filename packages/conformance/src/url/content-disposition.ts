/**
 * `Content-Disposition` (RFC 6266) read for what it says, not how it is spelled: the cases'
 * patterns are written against this project's spelling (`attachment; filename="..."; filename*=
 * UTF-8''...`), while `filename=notes.txt` (a token, unquoted) or a `filename*` alone say the
 * same. `canonicalDisposition` rewrites any header into the spelling the patterns expect, from
 * the name it conveys.
 */

interface Disposition {
  type: string;
  params: Map<string, string>;
}

/** Splits `a; b="c;d"; e` at the semicolons outside quoted strings. */
function splitParams(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (quoted && c === '\\' && i + 1 < header.length) {
      current += c + header[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

const unquote = (value: string) =>
  value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;

function parse(header: string): Disposition | undefined {
  const [type, ...rest] = splitParams(header);
  if (!type || type.includes('=')) return undefined;
  const params = new Map<string, string>();
  for (const part of rest) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    params.set(part.slice(0, at).trim().toLowerCase(), unquote(part.slice(at + 1).trim()));
  }
  return { type: type.toLowerCase(), params };
}

/** RFC 5987 `charset'language'value`: UTF-8 and ISO-8859-1, the two every recipient knows. */
function decodeExtended(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return undefined;
  const [, charset, encoded] = match;
  try {
    if (/^utf-8$/i.test(charset!)) return decodeURIComponent(encoded!);
    if (/^iso-8859-1$/i.test(charset!)) {
      const bytes = encoded!.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
      return bytes;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** RFC 5987 `attr-char`s stay, everything else is percent-encoded. */
const encodeExtended = (name: string) =>
  encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * The header in this project's spelling, for the name it conveys (`filename*` over `filename`),
 * or the header itself when it cannot be read.
 */
export function canonicalDisposition(header: string): string {
  const parsed = parse(header);
  if (!parsed) return header;
  const extended = parsed.params.get('filename*');
  const plain = parsed.params.get('filename');
  const name = (extended === undefined ? undefined : decodeExtended(extended)) ?? plain;
  if (name === undefined) return parsed.type;
  // The plain `filename` is a fallback for old recipients: any printable ASCII will do.
  const fallback = (plain ?? name).replace(/[^ -~]/g, '_');
  return `${parsed.type}; filename="${fallback}"; filename*=UTF-8''${encodeExtended(name)}`;
}
