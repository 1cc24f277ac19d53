import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

/** The agent's client at the provider: the id and secret an operator would configure. */
export const CLIENT_ID = 'agent-protocol-test-agent';
export const CLIENT_SECRET = `cs-${randomBytes(24).toString('base64url')}`;

/** What the provider issued, by model (`AccessToken`, `RefreshToken`, `AuthorizationCode`). */
export interface Issued {
  /** The token value (opaque tokens are their id) and the account it was issued to. */
  token: string;
  accountId: string | undefined;
}

/**
 * The provider's own storage, in memory as its bundled adapter keeps it, and also a record of
 * every token it issued: the test knows the values only from here, never from the agent.
 */
class RecordingAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly rows: Map<string, AdapterPayload>,
    private readonly issued: Map<string, Issued[]>,
  ) {}

  private key(id: string) {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    if (['AccessToken', 'RefreshToken', 'AuthorizationCode'].includes(this.model)) {
      const list = this.issued.get(this.model) ?? [];
      if (!list.some((i) => i.token === id)) list.push({ token: id, accountId: payload.accountId });
      this.issued.set(this.model, list);
    }
    this.rows.set(this.key(id), payload);
  }

  async find(id: string) {
    return this.rows.get(this.key(id));
  }

  async findByUid(uid: string) {
    for (const [key, payload] of this.rows)
      if (key.startsWith(`${this.model}:`) && payload.uid === uid) return payload;
    return undefined;
  }

  async findByUserCode(userCode: string) {
    for (const [key, payload] of this.rows)
      if (key.startsWith(`${this.model}:`) && payload.userCode === userCode) return payload;
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.rows.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.rows.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, payload] of this.rows) if (payload.grantId === grantId) this.rows.delete(key);
  }
}

/** A request to the token endpoint: its grant type, and the error it was refused with. */
export interface Grant {
  type: string;
  error?: string;
}

export interface RunningProvider {
  issuer: string;
  introspectionEndpoint: string;
  /** Every token value the provider issued so far, by model. */
  issued(model: 'AccessToken' | 'RefreshToken' | 'AuthorizationCode'): Issued[];
  /** Every request to the token endpoint so far, in the order answered. */
  grants(): Grant[];
  close(): Promise<void>;
}

export interface ProviderOptions {
  /** The agent's redirect URI, registered for its client. */
  redirectUri: string;
  /** Seconds an access token lives (short, to see a refresh). */
  accessTokenTtl: number;
  /**
   * Whether each refresh issues a new refresh token and uses up the old one: a refresh with a
   * used-up one is then refused (`invalid_grant`) and the whole grant revoked, as reuse detection
   * does at providers that rotate. @default the provider's own rule (no rotation for this client)
   */
  rotateRefreshTokens?: boolean;
}

/**
 * oidc-provider (a certified OpenID Connect provider, not a mock) on 127.0.0.1 with its development
 * sign-in and consent pages (any login and password; the login becomes the account id),
 * authorization code flow with PKCE required, refresh tokens (rotated if asked), and token
 * introspection.
 */
export async function startProvider(options: ProviderOptions): Promise<RunningProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const rows = new Map<string, AdapterPayload>();
  const issued = new Map<string, Issued[]>();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    adapter: (model: string) => new RecordingAdapter(model, rows, issued),
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, introspection: { enabled: true } },
    // Every sign-in of this client gets a refresh token (not only with offline_access).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: options.accessTokenTtl },
    ...(options.rotateRefreshTokens !== undefined && {
      rotateRefreshToken: options.rotateRefreshTokens,
    }),
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, name: `User ${sub}` }),
    }),
  });
  const grants: Grant[] = [];
  const grantType = (ctx: { oidc?: { params?: { grant_type?: unknown } } }) =>
    String(ctx.oidc?.params?.grant_type);
  provider.on('grant.success', (ctx) => grants.push({ type: grantType(ctx) }));
  provider.on('grant.error', (ctx, error) =>
    grants.push({ type: grantType(ctx), error: error.error }),
  );
  server.on('request', provider.callback());
  return {
    issuer,
    introspectionEndpoint: `${issuer}/token/introspection`,
    issued: (model) => [...(issued.get(model) ?? [])],
    grants: () => [...grants],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
