import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowSeconds } from './jwt-sign.js';
import { signingKeys } from './signing-keys.js';

/**
 * The authorization server the auth cases need, served by the test itself on 127.0.0.1 (no
 * internet): a JWKS for the RS256/ES256 and OAuth2-JWT cases and an RFC 7662 introspection
 * endpoint for the opaque-token cases. One is started per case, so its state (which one-shot
 * tokens were already introspected) never leaks from one case into the next.
 */

/** The client the server under test must introspect as (HTTP Basic, RFC 7662 section 2.1). */
export const INTROSPECTION_CLIENT = {
  id: 'conformance-agent',
  secret: 'introspection-client-secret-5Hq2',
} as const;

/** Opaque tokens the introspection endpoint knows, by what it answers for them. */
export const OPAQUE_TOKENS = {
  /** active, `sub: alice`, scope `agent:use` */
  alice: 'opaque-alice-Jm2xQ8',
  /** active, `sub: bob`, scope `agent:use` */
  bob: 'opaque-bob-T7wqZ1',
  /** active, `sub: dave`, scope `other` only */
  noScope: 'opaque-noscope-c8LpV4',
  /** active, scope `agent:use`, but no `sub`: nobody to own the data */
  noSubject: 'opaque-nosub-Yh6tE2',
  /** `active: false` */
  inactive: 'opaque-inactive-Wv3kR5',
  /** `active: true`, with an `exp` an hour in the past */
  expired: 'opaque-expired-Rb9zK0',
  /** active (`sub: erin`) on its first introspection only, `active: false` after: shows caching */
  once: 'opaque-once-Nf4dG7',
} as const;

function introspectionAnswer(token: string, seen: number): Record<string, unknown> {
  const active = (sub: string | undefined, scope = 'agent:use') => ({
    active: true,
    ...(sub ? { sub } : {}),
    scope,
    client_id: 'some-client',
    token_type: 'Bearer',
    exp: nowSeconds() + 3600,
  });
  switch (token) {
    case OPAQUE_TOKENS.alice:
      return active('alice');
    case OPAQUE_TOKENS.bob:
      return active('bob');
    case OPAQUE_TOKENS.noScope:
      return active('dave', 'other');
    case OPAQUE_TOKENS.noSubject:
      return active(undefined);
    case OPAQUE_TOKENS.expired:
      return { ...active('alice'), exp: nowSeconds() - 3600 };
    case OPAQUE_TOKENS.once:
      return seen === 1 ? active('erin') : { active: false };
    default:
      return { active: false };
  }
}

/** One call the introspection endpoint received, as it judged it. */
export interface IntrospectionCall {
  /** HTTP Basic with exactly `INTROSPECTION_CLIENT` (ids form-urlencoded, RFC 6749 2.3.1). */
  clientAuthenticated: boolean;
  /** `application/x-www-form-urlencoded` with a non-empty `token`. */
  wellFormed: boolean;
}

export interface AuthEnvironment {
  /** `GET` → the JWKS of `signingKeys()`. */
  jwksUrl: string;
  /** `POST` RFC 7662; refuses (401) any client but `INTROSPECTION_CLIENT`, 400 without `token=`. */
  introspectionUrl: string;
  /** A 127.0.0.1 URL nothing listens on: a down authorization server. */
  unreachableUrl: string;
  /** Every introspection call so far. */
  readonly introspectionCalls: readonly IntrospectionCall[];
}

export interface RunningAuthServers extends AuthEnvironment {
  close(): Promise<void>;
}

function clientAuthenticated(req: IncomingMessage): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  try {
    const id = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    return id === INTROSPECTION_CLIENT.id && secret === INTROSPECTION_CLIENT.secret;
  } catch {
    return false;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts the JWKS and introspection endpoints on 127.0.0.1, port 0. */
export async function startAuthServers(): Promise<RunningAuthServers> {
  const { jwks } = signingKeys();
  const calls: IntrospectionCall[] = [];
  const seen = new Map<string, number>();
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  });

  const answer = async (req: IncomingMessage) => {
    if (req.method === 'GET' && req.url === '/jwks.json') return json(200, jwks);
    if (req.method !== 'POST' || req.url !== '/introspect')
      return json(404, { error: 'not_found' });
    const form = new URLSearchParams(await readBody(req));
    const call: IntrospectionCall = {
      clientAuthenticated: clientAuthenticated(req),
      wellFormed:
        /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '') &&
        !!form.get('token'),
    };
    calls.push(call);
    if (!call.clientAuthenticated)
      return json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="as"' });
    if (!call.wellFormed) return json(400, { error: 'invalid_request' });
    const token = form.get('token')!;
    const count = (seen.get(token) ?? 0) + 1;
    seen.set(token, count);
    return json(200, introspectionAnswer(token, count));
  };

  const server = createServer((req, res) => {
    void answer(req).then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      () => res.destroy(),
    );
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return {
    jwksUrl: `${base}/jwks.json`,
    introspectionUrl: `${base}/introspect`,
    unreachableUrl: `http://127.0.0.1:${await closedPort()}/introspect`,
    introspectionCalls: calls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
