import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { toBuffer } from './bytes.js';
import type { Expected } from './case.js';
import { match } from './match.js';
import { LEAK_MARKER } from './reference-agent.js';
import type { Observed } from './send.js';

const JSON_TYPE = /^application\/json\b/i;
// A Node/V8 stack frame, as a leaked stack trace shows it: raw, or JSON-escaped inside a string.
const STACK_FRAME = /(?:\n|\\n)\s+at\s+\S/;

/**
 * What every error response must be, whatever the case: JSON with a `message`, never an HTML page,
 * never a stack trace or an internal error's own message.
 */
export function errorBodyProblems(observed: Observed): string[] {
  if (observed.status < 400) return [];
  const out: string[] = [];
  const text = observed.body.toString('utf8');
  if (!JSON_TYPE.test(observed.headers['content-type'] ?? '')) {
    out.push(
      `error content-type: expected application/json, got ${observed.headers['content-type']}`,
    );
  }
  const json = observed.json as { message?: unknown } | undefined;
  if (!json || typeof json.message !== 'string' || json.message === '') {
    out.push(`error body: expected JSON with a non-empty "message", got ${text.slice(0, 200)}`);
  }
  if (STACK_FRAME.test(text) || /<html|<!doctype/i.test(text)) {
    out.push(`error body: looks like a stack trace or an HTML page: ${text.slice(0, 200)}`);
  }
  if (text.includes(LEAK_MARKER)) out.push("error body: leaks the agent's internal error message");
  return out;
}

/**
 * A value and the encodings it could leak in by mistake: base64, base64url and hex (lower and
 * upper case) of its UTF-8 bytes. For checks that a secret appears nowhere, in no form.
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const hex = bytes.toString('hex');
  return [
    ...new Set([
      value,
      bytes.toString('base64'),
      bytes.toString('base64url'),
      hex,
      hex.toUpperCase(),
    ]),
  ];
}

/** A secret in a response, named by its first characters (the report must not spread it further). */
export function leakProblems(observed: Observed, secrets: readonly string[]): string[] {
  const body = observed.body.toString('utf8');
  const out: string[] = [];
  // A secret shorter than 4 characters would be found in any body by chance: not checked.
  for (const secret of secrets.filter((s) => s.length >= 4)) {
    const shown = `'${secret.slice(0, 4)}…' (${secret.length} chars)`;
    if (body.includes(secret)) out.push(`body: contains the credential ${shown}`);
    for (const [name, value] of Object.entries(observed.headers)) {
      if (value.includes(secret)) out.push(`header ${name}: contains the credential ${shown}`);
    }
  }
  return out;
}

function bytesProblem(actual: Buffer, wanted: Buffer): string | undefined {
  if (actual.equals(wanted)) return undefined;
  let at = 0;
  while (at < actual.length && at < wanted.length && actual[at] === wanted[at]) at++;
  return `body bytes: expected ${wanted.length} bytes, got ${actual.length}; first difference at byte ${at}`;
}

/** Every way `observed` differs from `want`; empty when it conforms. */
export function check(observed: Observed, want: Expected, dataDir?: string): string[] {
  if (observed.status === 0) return [`no response: ${observed.error ?? 'connection failed'}`];
  const out: string[] = [];
  if (observed.status !== want.status) {
    out.push(`status: expected ${want.status}, got ${observed.status}`);
  }
  for (const [name, wanted] of Object.entries(want.headers ?? {})) {
    const actual = observed.headers[name.toLowerCase()];
    const ok =
      wanted instanceof RegExp ? actual !== undefined && wanted.test(actual) : actual === wanted;
    if (!ok) out.push(`header ${name}: expected ${String(wanted)}, got ${actual ?? '(absent)'}`);
  }
  if (want.json !== undefined) {
    if (!JSON_TYPE.test(observed.headers['content-type'] ?? '')) {
      out.push(
        `content-type: expected application/json, got ${observed.headers['content-type'] ?? '(absent)'}`,
      );
    }
    if (observed.json === undefined) out.push('body: expected JSON');
    else out.push(...match(observed.json, want.json));
  }
  if (want.bodyBytes !== undefined) {
    const problem = bytesProblem(observed.body, toBuffer(want.bodyBytes));
    if (problem) out.push(problem);
  }
  out.push(...errorBodyProblems(observed));
  if (dataDir) {
    for (const path of want.absentFiles ?? []) {
      if (existsSync(resolve(dataDir, path)))
        out.push(`file system: ${path} (relative to the data dir) exists`);
    }
  }
  return out;
}
