import type { OutgoingHttpHeaders } from 'node:http';
import type { Answer, Asked } from './proxy.js';

/**
 * How another, correct implementation of the protocol could answer where the protocol leaves
 * the choice to the server, applied to this toolkit's answers: other error words, no `code`
 * and no `errors` list (the message names the fields), 400 for 422, unknown extra fields
 * everywhere, null fields left out, `outcome: "succeeded"` left out, empty lists where this
 * toolkit leaves a key out, other header spellings. `conformance` must still pass.
 */
export function restyle(_asked: Asked, answer: Answer): Answer {
  const headers = restyleHeaders(answer.headers);
  const type = String(answer.headers['content-type'] ?? '');
  if (!/json/i.test(type) || answer.body.length === 0) return { ...answer, headers };
  const json = JSON.parse(answer.body.toString('utf8')) as unknown;
  const status = answer.status === 422 ? 400 : answer.status;
  const body = answer.status >= 400 ? restyleError(json) : restyleDocument(json);
  return { status, headers, body: Buffer.from(JSON.stringify(body)) };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function restyleError(json: unknown): Json {
  const errors = isObject(json) && Array.isArray(json.errors) ? (json.errors as Json[]) : [];
  const fields = errors.map((e) => String(e.field));
  return {
    message: `Refused by a differently written server${fields.length > 0 ? `; check ${fields.join(', ')}` : ''}.`,
    request_id: 'req-123',
  };
}

/** A Task, Step, Artifact or SecretKey, its optional fields spelled another way. */
function restyleObject(item: Json): Json {
  const out: Json = { ...item, x_server: 'restyled' };
  for (const key of ['input', 'output', 'relative_path', 'name', 'additional_output']) {
    if (out[key] === null) delete out[key];
  }
  if (isObject(out.additional_input) && Object.keys(out.additional_input).length === 0)
    delete out.additional_input;
  if ('step_id' in out) {
    if (out.outcome === 'succeeded') delete out.outcome;
    if (!('function_calls' in out)) out.function_calls = [];
    if (!('secret_demands' in out)) out.secret_demands = null;
  }
  if (Array.isArray(out.artifacts))
    out.artifacts = out.artifacts.map((a) => restyleObject(a as Json));
  return out;
}

function restyleDocument(json: unknown): unknown {
  if (!isObject(json)) return json;
  const out = restyleObject(json);
  for (const list of ['tasks', 'steps', 'secret_keys']) {
    if (Array.isArray(out[list])) out[list] = (out[list] as Json[]).map(restyleObject);
  }
  if (isObject(out.pagination)) out.pagination = { ...out.pagination, x_cursor: null };
  return out;
}

function restyleHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...headers };
  const allow = out.allow === undefined ? undefined : String(out.allow).split(/,\s*/);
  if (allow) out.allow = [...allow.reverse(), ...(allow.includes('GET') ? ['HEAD'] : [])].join(',');
  if (out['cache-control'] !== undefined)
    out['cache-control'] = String(out['cache-control'])
      .split(/,\s*/)
      .reverse()
      .join(', ')
      .toUpperCase();
  if (out['preference-applied'] !== undefined) out['preference-applied'] = 'Respond-Async';
  if (/json/i.test(String(out['content-type'] ?? '')))
    out['content-type'] = 'application/json;charset=UTF-8';
  if (out['content-disposition'] !== undefined) {
    out['content-disposition'] = restyleDisposition(String(out['content-disposition']));
    // Streamed in chunks, with no length announced.
    delete out['content-length'];
  }
  return out;
}

/** `attachment; filename=notes.txt` (a token), or only `filename*` for a name that needs it. */
function restyleDisposition(header: string): string {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  const name = extended
    ? decodeURIComponent(extended)
    : (/filename="([^"]*)"/.exec(header)?.[1] ?? '');
  if (/^[A-Za-z0-9._-]+$/.test(name)) return `Attachment; filename=${name}`;
  if (/^[ -~]*$/.test(name) && !/["\\]/.test(name)) return `attachment; filename="${name}"`;
  return `attachment; filename*=utf-8''${encodeURIComponent(name)}`;
}
