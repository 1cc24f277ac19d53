import { CALLBACK, UNKNOWN_STATE } from '../cases/oauth-callback.js';
import { get, SECRETS } from '../cases/requests.js';
import { send, type Observed } from '../send.js';
import { ensure, ensureEqual, type Scenario } from './scenario.js';

/** What Chromium sends when it follows a provider's redirect (it asks for HTML first). */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** The checks every page of the callback passes: self-contained HTML, never cached. */
function pageProblems(observed: Observed, status: number): string[] {
  const out: string[] = [];
  const html = observed.body.toString('utf8');
  const header = (name: string) => observed.headers[name] ?? '(absent)';
  if (observed.status !== status) out.push(`status: expected ${status}, got ${observed.status}`);
  if (!/^text\/html\b/i.test(header('content-type')))
    out.push(`content-type: expected text/html, got ${header('content-type')}`);
  if (header('cache-control') !== 'no-store')
    out.push(`cache-control: expected no-store, got ${header('cache-control')}`);
  if (!/^<!doctype html>/i.test(html)) out.push(`body: not an HTML page: ${html.slice(0, 100)}`);
  // Nothing that runs or loads: the page only says what happened.
  if (/<script|<link|<img|<iframe|src=|href=/i.test(html))
    out.push(`body: loads or runs something: ${html.slice(0, 300)}`);
  return out;
}

/**
 * A browser (Accept prefers text/html) that lands on the callback with a sign-in the server
 * cannot complete gets the small page saying why, status 400, never the JSON error; the
 * provider's words are not repeated in it. An API client asking the same gets JSON.
 */
const browserPage: Scenario = {
  name: 'oauth callback from a browser: a 400 page saying why (not JSON), nothing from the query in it',
  async run({ baseUrl }) {
    const unknown = await send(baseUrl, {
      ...get(CALLBACK, { code: 'cnf-code-Qm3Rt7', state: UNKNOWN_STATE }),
      headers: { accept: BROWSER_ACCEPT },
    });
    ensureEqual(pageProblems(unknown, 400), [], 'the page for an unknown state');
    const text = unknown.body.toString('utf8');
    ensure(/state/i.test(text), `the page does not say the state is the problem: ${text}`);
    ensure(!text.includes(UNKNOWN_STATE), 'the page repeats the state it was sent');

    const declined = await send(baseUrl, {
      ...get(CALLBACK, {
        error: 'access_denied',
        error_description: '%3Cb%3ECall%20this%20number%3C%2Fb%3E',
        state: UNKNOWN_STATE,
      }),
      headers: { accept: BROWSER_ACCEPT },
    });
    ensureEqual(pageProblems(declined, 400), [], 'the page for a declined sign-in');
    const page = declined.body.toString('utf8');
    ensure(page.includes('access_denied'), `the page does not name access_denied: ${page}`);
    ensure(!/Call this number/i.test(page), "the page repeats the provider's error_description");

    const api = await send(baseUrl, get(CALLBACK, { state: UNKNOWN_STATE, code: 'x' }));
    ensure(
      api.status === 400 && /^application\/json\b/.test(api.headers['content-type'] ?? ''),
      `an API client (no Accept) got ${api.status} ${api.headers['content-type']}, not a JSON 400`,
    );
    const secrets = await send(baseUrl, get(SECRETS));
    ensureEqual(
      (secrets.json as { secret_keys?: unknown[] }).secret_keys,
      [],
      'the secrets after the refused callbacks',
    );
  },
};

/** The callback seen by a browser and by a client on one server. */
export const oauthCallbackScenarios: Scenario[] = [browserPage];
