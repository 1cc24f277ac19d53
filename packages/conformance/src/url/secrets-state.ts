import type { ConformanceCase } from '../case.js';
import { SECRETS } from '../cases/requests.js';
import type { CaseOutcome } from '../run-case.js';
import { send } from '../send.js';

/**
 * Secrets outlive a case on a server found by URL (the fixture's own servers are thrown away
 * after each case). Cases store keys such as `KEY_A` and expect a later case to find them
 * missing, so each case's secrets are revoked once it is done, and a case that lists every
 * secret runs only while the principal holds none. A case that would store a key the principal
 * already held before the run is skipped: it would overwrite (and then revoke) the user's secret.
 */

type Headers = Record<string, string>;

/** How many secrets the principal of these headers holds, or undefined when the list fails. */
export async function secretCount(baseUrl: string, headers: Headers): Promise<number | undefined> {
  const observed = await send(baseUrl, {
    method: 'GET',
    path: SECRETS,
    query: { page_size: '1' },
    headers,
  });
  const total = (observed.json as { pagination?: { total_items?: unknown } } | undefined)
    ?.pagination?.total_items;
  return observed.status === 200 && typeof total === 'number' ? total : undefined;
}

/** The keys of every secret the principal of these headers holds (empty when the list fails). */
export async function secretKeys(baseUrl: string, headers: Headers): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let page = 1; page <= 1000; page++) {
    const observed = await send(baseUrl, {
      method: 'GET',
      path: SECRETS,
      query: { page_size: '100', current_page: String(page) },
      headers,
    });
    const body = observed.json as
      | { secret_keys?: { secret_key?: unknown }[]; pagination?: { total_pages?: unknown } }
      | undefined;
    if (observed.status !== 200 || !Array.isArray(body?.secret_keys)) break;
    for (const s of body.secret_keys) if (typeof s.secret_key === 'string') keys.add(s.secret_key);
    const pages = body.pagination?.total_pages;
    if (typeof pages !== 'number' || page >= pages) break;
  }
  return keys;
}

/** The keys a case stores (`POST /secrets`), which would overwrite a secret of the same key. */
export function keysStoredBy(testCase: ConformanceCase): string[] {
  const requests = [
    ...(testCase.setup ?? []).map((s) => s.given),
    testCase.given,
    ...(testCase.then ?? []).map((f) => f.given),
  ];
  return requests
    .filter((r) => r.method.toUpperCase() === 'POST' && r.path.replace(/\/+$/, '') === SECRETS)
    .map((r) => (r.json as { secret_key?: unknown } | undefined)?.secret_key)
    .filter((key): key is string => typeof key === 'string');
}

/** Revokes every secret the case stored that is still there, as the principal that stored it. */
export async function revokeStoredSecrets(baseUrl: string, outcome: CaseOutcome): Promise<void> {
  const stored = new Map<string, Headers>();
  for (const e of outcome.exchanges) {
    const id = (e.observed.json as { secret_id?: unknown } | undefined)?.secret_id;
    const isStore =
      e.request.method.toUpperCase() === 'POST' && e.request.path.replace(/\/+$/, '') === SECRETS;
    if (isStore && e.observed.status >= 200 && e.observed.status < 300 && typeof id === 'string')
      stored.set(id, onlyAuthorization(e.request.headers));
  }
  for (const [id, headers] of stored) {
    // 404 when the case revoked it itself: nothing to do.
    await send(baseUrl, {
      method: 'DELETE',
      path: `${SECRETS}/${encodeURIComponent(id)}`,
      headers,
    });
  }
}

function onlyAuthorization(headers: Headers | undefined): Headers {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() === 'authorization'),
  );
}
