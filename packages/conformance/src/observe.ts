import { isDeepStrictEqual } from 'node:util';
import { runAuthCase, type AuthCaseGroup } from './auth-group.js';
import type { ConformanceCase } from './case.js';
import { authCaseGroups, conformanceCases } from './cases/index.js';
import { runCase, type CaseOutcome } from './run-case.js';
import { withServer, type StartServer } from './server.js';
import { parseEventStream } from './sse.js';

/** Headers that say something about the protocol; the rest (date, connection, ...) vary freely. */
const COMPARED_HEADERS = [
  'content-type',
  'allow',
  'content-disposition',
  'www-authenticate',
  'cache-control',
  'x-accel-buffering',
  'preference-applied',
  'location',
  'retry-after',
];
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// The test-served JWKS and introspection endpoints listen on a new port every run: should a
// response ever name one, the port must not make two runs differ.
const LOOPBACK_PORT = /(\/\/(?:127\.0\.0\.1|localhost|\[::1\])):\d+/g;
// Timestamps (a secret's `created_at`, `updated_at`) differ every run, and whether two of them
// fall in the same millisecond is chance: each is blanked.
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * What one request of a case looked like, with server-chosen ids replaced by `<id:1>`, `<id:2>`...
 * and timestamps by `<time>`.
 */
export interface ExchangeObservation {
  label: string;
  status: number;
  headers: Record<string, string>;
  /** The normalised JSON body, or `{ base64 }` for other bodies. */
  body: unknown;
}

/** One case as a server answered it, comparable across adapters. */
export interface CaseObservation {
  name: string;
  conforms: boolean;
  exchanges: ExchangeObservation[];
}

function normaliser() {
  const ids = new Map<string, string>();
  const text = (value: string) =>
    value
      .replace(UUID_ANYWHERE, (id) => {
        const key = id.toLowerCase();
        if (!ids.has(key)) ids.set(key, `<id:${ids.size + 1}>`);
        return ids.get(key)!;
      })
      .replace(LOOPBACK_PORT, '$1:<port>')
      .replace(TIMESTAMP, '<time>');
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(deep);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), deep(v)]));
    }
    return value;
  };
  return deep;
}

const isEventStream = (type: string | undefined) => /^text\/event-stream\b/i.test(type ?? '');

/** An event stream's events (comments, such as keep-alives, depend on timing: left out). */
function eventsOf(body: Buffer): unknown[] {
  return parseEventStream(body.toString('utf8')).flatMap((item) => {
    if (item.kind !== 'event') return [];
    let data: unknown = item.data;
    try {
      data = JSON.parse(item.data);
    } catch {
      // not JSON: compared as text
    }
    return [{ id: item.id, event: item.event, data }];
  });
}

/** Turns a case outcome into an observation: ids numbered by first appearance, volatile headers dropped. */
export function observeOutcome(outcome: CaseOutcome): CaseObservation {
  const normalise = normaliser();
  return {
    name: outcome.name,
    conforms: outcome.problems.length === 0,
    exchanges: outcome.exchanges.map((e) => ({
      label: e.label,
      status: e.observed.status,
      headers: Object.fromEntries(
        COMPARED_HEADERS.filter((h) => e.observed.headers[h] !== undefined).map((h) => [
          h,
          normalise(e.observed.headers[h]) as string,
        ]),
      ),
      body:
        e.observed.json !== undefined
          ? normalise(e.observed.json)
          : isEventStream(e.observed.headers['content-type'])
            ? { events: normalise(eventsOf(e.observed.body)) }
            : { base64: e.observed.body.toString('base64') },
    })),
  };
}

/**
 * Runs every case and every auth case (each on a fresh server, auth cases with their group's
 * `auth`) and returns what the server answered, case by case. Cases the server cannot take
 * (`atOriginRoot` on a server under a prefix) are left out.
 */
export async function observeConformance(
  start: StartServer,
  cases: readonly ConformanceCase[] = conformanceCases,
  authGroups: readonly AuthCaseGroup[] = authCaseGroups,
): Promise<CaseObservation[]> {
  const observations: CaseObservation[] = [];
  for (const testCase of cases) {
    const outcome = await withServer(start, (h) =>
      runCase(h.baseUrl, testCase, { dataDir: h.dataDir }),
    );
    if (!outcome.skipped) observations.push(observeOutcome(outcome));
  }
  for (const group of authGroups) {
    for (const testCase of group.cases) {
      const outcome = await runAuthCase(start, group, testCase);
      if (!outcome.skipped) observations.push(observeOutcome(outcome));
    }
  }
  return observations;
}

/**
 * Where two adapters answered differently, one line per difference (empty when identical case
 * for case). For a test asserting every adapter serves the same wire.
 */
export function diffObservations(
  a: readonly CaseObservation[],
  b: readonly CaseObservation[],
): string[] {
  const out: string[] = [];
  const byName = new Map(b.map((o) => [o.name, o]));
  for (const left of a) {
    const right = byName.get(left.name);
    if (!right) {
      out.push(`${left.name}: only in the first run`);
      continue;
    }
    byName.delete(left.name);
    const count = Math.max(left.exchanges.length, right.exchanges.length);
    for (let i = 0; i < count; i++) {
      const l = left.exchanges[i];
      const r = right.exchanges[i];
      if (!isDeepStrictEqual(l, r)) {
        out.push(
          `${left.name} / ${l?.label ?? r?.label}: ${JSON.stringify(l)} ≠ ${JSON.stringify(r)}`,
        );
      }
    }
  }
  for (const name of byName.keys()) out.push(`${name}: only in the second run`);
  return out;
}
