import * as oauth from 'oauth4webapi';
import type { ResolvedProvider } from './providers.js';

/** How long one request to a provider may take before the sign-in or refresh gives up. */
const REQUEST_TIMEOUT_MS = 10_000;

/** What oauth4webapi needs to talk to one provider as its client. */
export interface ProviderClient {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** Options every request to the provider takes (timeout; plain http when allowed). */
  http: Pick<oauth.HttpRequestOptions<'GET'>, 'signal' | typeof oauth.allowInsecureRequests>;
}

/** Discovery at the OpenID Connect location first, then RFC 8414's. */
async function discover(
  issuer: URL,
  http: ProviderClient['http'],
): Promise<oauth.AuthorizationServer> {
  let lastError: unknown;
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    try {
      const response = await oauth.discoveryRequest(issuer, { ...http, algorithm });
      return await oauth.processDiscoveryResponse(issuer, response);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function clientAuthOf(provider: ResolvedProvider): oauth.ClientAuth {
  const { clientSecret, tokenEndpointAuthMethod } = provider.declared;
  const method = tokenEndpointAuthMethod ?? (clientSecret ? 'client_secret_basic' : 'none');
  if (method === 'none' || !clientSecret) return oauth.None();
  return method === 'client_secret_post'
    ? oauth.ClientSecretPost(clientSecret)
    : oauth.ClientSecretBasic(clientSecret);
}

/**
 * The providers' endpoints and client settings, discovered once per provider on first use (a
 * failed discovery is tried again on the next use: the provider may only have been away).
 */
export class ProviderClients {
  private readonly cache = new Map<string, Promise<ProviderClient>>();

  get(provider: ResolvedProvider): Promise<ProviderClient> {
    let pending = this.cache.get(provider.name);
    if (!pending) {
      pending = this.resolve(provider);
      this.cache.set(provider.name, pending);
      pending.catch(() => this.cache.delete(provider.name));
    }
    return pending;
  }

  private async resolve(provider: ResolvedProvider): Promise<ProviderClient> {
    const { declared } = provider;
    const http: ProviderClient['http'] = {
      signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      // Deprecated on purpose by oauth4webapi, so that it stands out: only with the provider's
      // own `allowInsecureRequests` (tests on 127.0.0.1).
      ...(declared.allowInsecureRequests ? { [oauth.allowInsecureRequests]: true } : {}),
    };
    const as: oauth.AuthorizationServer = declared.authorizationEndpoint
      ? {
          // Without an issuer, the authorization endpoint's origin stands for it: providers that
          // publish no metadata (GitHub) send no `iss` to compare it with.
          issuer: declared.issuer ?? new URL(declared.authorizationEndpoint).origin,
          authorization_endpoint: declared.authorizationEndpoint,
          token_endpoint: declared.tokenEndpoint,
        }
      : await discover(new URL(declared.issuer!), http);
    if (!as.authorization_endpoint || !as.token_endpoint) {
      throw new Error(
        `OAuth provider '${provider.name}' publishes no authorization or token endpoint.`,
      );
    }
    return {
      as,
      client: { client_id: declared.clientId },
      clientAuth: clientAuthOf(provider),
      http,
    };
  }
}
