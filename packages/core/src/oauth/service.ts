import * as oauth from 'oauth4webapi';
import type { HandlerContext } from '../agent.js';
import type { Principal } from '../auth/types.js';
import type { Coordination } from '../coordination/types.js';
import { AgentProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AuthDemand, RunState } from '../pause.js';
import type { Keyring } from '../secrets/keyring.js';
import type { Redactor } from '../secrets/redactor.js';
import type { SecretsService } from '../secrets/service.js';
import type { Store } from '../store/types.js';
import { ProviderClients } from './endpoints.js';
import { loginIdOf, openVerifier, sealVerifier } from './logins.js';
import { providerInfos, type ResolvedProvider } from './providers.js';
import {
  expiresSoon,
  grants,
  oauthSecretKey,
  parseStoredTokens,
  tokensFrom,
  tokenValues,
  type StoredTokens,
} from './tokens.js';

/** What the provider sent the browser back with (the callback's query). */
export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export interface OAuthServiceDeps {
  providers: Map<string, ResolvedProvider>;
  /** How long a sign-in link works. */
  loginTtlMs: number;
  store: Store;
  keyring: Keyring;
  secrets: SecretsService;
  redactor: Redactor;
  logger: Logger;
  /** Serialises the refreshes of one principal's token at one provider across processes. */
  coordination: Coordination;
}

/** Which step of which task asks, for whom: what a sign-in's `state` is bound to. */
export interface TokenRun {
  state: RunState | undefined;
  taskId: string;
  stepId: string | null;
}

/** A provider's error code as the server repeats it: a plain token, or nothing of it. */
const shownCode = (code: string) =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? `'${code}'` : 'an error';
/** The provider's own words, fit for one log line. */
const logText = (text: string) => text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 200);

const invalidState = (message: string) =>
  new AgentProtocolError(
    'invalid_state',
    `${message} Nothing was stored; send the task's next step for a new sign-in link.`,
  );

/** Why a code exchange failed, in words that name nothing the provider should keep to itself. */
function exchangeFailure(cause: unknown): string {
  if (cause instanceof oauth.ResponseBodyError) {
    return `the provider refused to exchange the authorization code (${shownCode(cause.error)})`;
  }
  if (cause instanceof oauth.AuthorizationResponseError) {
    return `the provider answered ${shownCode(cause.error)}`;
  }
  const name = (cause as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || cause instanceof TypeError) {
    return 'the provider could not be reached';
  }
  return "the provider's answer could not be used";
}

/**
 * Delegated login (PROTOCOL.md section 10): a handler's `ctx.oauth.token`, the pending sign-ins it
 * starts (authorization code flow with PKCE, a single-use `state` bound to the principal, the task
 * and the step, stored durably so a restart does not lose them), the callback that finishes them,
 * and the tokens, stored as the principal's secrets and refreshed when they expire.
 */
export class OAuthService {
  private readonly clients = new ProviderClients();

  constructor(private readonly deps: OAuthServiceDeps) {
    for (const provider of deps.providers.values()) {
      if (provider.declared.clientSecret) deps.redactor.add(provider.declared.clientSecret);
    }
  }

  /** The providers as the info endpoint lists them; undefined when the agent declares none. */
  info() {
    return this.deps.providers.size > 0 ? providerInfos(this.deps.providers) : undefined;
  }

  /** `ctx.oauth` of one handler run. */
  forRun(principal: Principal, run: TokenRun): HandlerContext['oauth'] {
    return { token: (provider, options) => this.token(principal, provider, options?.scopes, run) };
  }

  private provider(name: string): ResolvedProvider {
    const provider = this.deps.providers.get(name);
    if (!provider) {
      throw new Error(`The agent declares no OAuth provider '${name}' (see oauthProviders).`);
    }
    return provider;
  }

  private async token(
    principal: Principal,
    name: string,
    scopes: string[] | undefined,
    run: TokenRun,
  ): Promise<string> {
    const provider = this.provider(name);
    const stored = await this.read(principal, name);
    // The provider's own scopes are what a sign-in asks for; what it grants is the provider's
    // (and the user's) choice. Only scopes the call names are required of a stored grant.
    if (stored && grants(stored, scopes ?? [])) {
      if (!expiresSoon(stored, provider.refreshMarginMs)) return stored.access_token;
      const refreshed = await this.refresh(principal, provider, stored);
      if (refreshed) return refreshed.access_token;
    }
    if (!run.state || !run.stepId) {
      throw new Error('ctx.oauth.token can only pause a step for a sign-in, not task creation.');
    }
    // A new sign-in asks for the provider's scopes, the call's, and keeps what was granted before.
    const asked = [
      ...new Set([...(stored?.scope?.split(' ') ?? []), ...provider.scopes, ...(scopes ?? [])]),
    ].filter(Boolean);
    const demand = await this.beginLogin(principal, provider, asked, run.taskId, run.stepId);
    return run.state.demandLogin(demand);
  }

  /** The principal's tokens at a provider, known to the redactor from then on. */
  private async read(principal: Principal, name: string): Promise<StoredTokens | undefined> {
    const value = await this.deps.secrets.read(principal, oauthSecretKey(name));
    const tokens = value === undefined ? undefined : parseStoredTokens(value);
    if (tokens) for (const v of tokenValues(tokens)) this.deps.redactor.add(v);
    return tokens;
  }

  private async save(principal: Principal, name: string, tokens: StoredTokens): Promise<void> {
    for (const v of tokenValues(tokens)) this.deps.redactor.add(v);
    await this.deps.secrets.put(principal, oauthSecretKey(name), JSON.stringify(tokens));
  }

  /**
   * New tokens for expiring ones, with the refresh token; undefined when there is none or the
   * provider no longer accepts it (`invalid_grant`: the user must sign in again). Any other
   * failure (the provider away) rejects: the step fails rather than asking for a sign-in in vain.
   */
  private refresh(
    principal: Principal,
    provider: ResolvedProvider,
    stale: StoredTokens,
  ): Promise<StoredTokens | undefined> {
    // One refresh at a time per principal and provider, in every process serving the store: a
    // provider that rotates refresh tokens would refuse the second of two refreshes made with
    // the same one (and may revoke the grant for the reuse). A provider's name has no ':'.
    const key = `oauth-refresh:${provider.name}:${principal.id}`;
    return this.deps.coordination.exclusive(key, async () => {
      // A refresh that held the key meanwhile (here or in another process) may have done the
      // work already: its tokens are in the store.
      const current = (await this.read(principal, provider.name)) ?? stale;
      if (
        current.access_token !== stale.access_token &&
        !expiresSoon(current, provider.refreshMarginMs)
      ) {
        return current;
      }
      if (!current.refresh_token) return undefined;
      const { as, client, clientAuth, http } = await this.clients.get(provider);
      let response: oauth.TokenEndpointResponse;
      try {
        const answer = await oauth.refreshTokenGrantRequest(
          as,
          client,
          clientAuth,
          current.refresh_token,
          http,
        );
        response = await oauth.processRefreshTokenResponse(as, client, answer);
      } catch (error) {
        if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
          this.deps.logger.info(
            `oauth: ${provider.name} refused a refresh token (invalid_grant): the user signs in again`,
          );
          return undefined;
        }
        throw new Error(`Refreshing the access token at '${provider.name}' failed.`, {
          cause: error,
        });
      }
      const tokens = tokensFrom(response, [], current);
      await this.save(principal, provider.name, tokens);
      return tokens;
    });
  }

  /** Starts a sign-in: a pending login stored (durably), and the demand the step pauses with. */
  private async beginLogin(
    principal: Principal,
    provider: ResolvedProvider,
    scopes: string[],
    taskId: string,
    stepId: string,
  ): Promise<AuthDemand> {
    const { as, client } = await this.clients.get(provider);
    const state = oauth.generateRandomState();
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint!);
    for (const [key, value] of Object.entries(provider.declared.authorizationParams ?? {})) {
      url.searchParams.set(key, value);
    }
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('redirect_uri', provider.redirectUri);
    if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    const now = Date.now();
    const expiresAt = new Date(now + this.deps.loginTtlMs).toISOString();
    const login = { login_id: loginIdOf(state), owner: principal.id };
    await this.deps.store.putOAuthLogin({
      ...login,
      task_id: taskId,
      step_id: stepId,
      provider: provider.name,
      scopes,
      redirect_uri: provider.redirectUri,
      sealed_verifier: sealVerifier(this.deps.keyring, login, verifier),
      created_at: new Date(now).toISOString(),
      expires_at: expiresAt,
    });
    return { provider: provider.name, authorization_url: url.href, expires_at: expiresAt };
  }

  /**
   * Finishes a sign-in from the provider's redirect: the pending login taken (it is used up
   * whatever happens next), the code exchanged, the tokens stored for the principal who asked.
   * Throws the 400 the browser or client gets when anything is wrong; then nothing is stored.
   */
  async complete(params: CallbackParams, query: URLSearchParams): Promise<{ provider: string }> {
    const { state, error } = params;
    if (!state) {
      throw new AgentProtocolError(
        'bad_request',
        "Invalid request: query field 'state' is required. Open the sign-in link the step gave, and let the provider send the browser back here.",
        {
          issues: [{ location: 'query', field: 'state', rule: 'required', message: 'is required' }],
        },
      );
    }
    const login = await this.deps.store.takeOAuthLogin(loginIdOf(state));
    const where = login ? `[task ${login.task_id} step ${login.step_id}] ` : '';
    if (error !== undefined) {
      const words = params.error_description ? ` (${logText(params.error_description)})` : '';
      this.deps.logger.info(
        `${where}oauth: the provider answered the sign-in with ${shownCode(error)}${words}; nothing stored`,
      );
      throw new AgentProtocolError(
        'authorization_failed',
        `The sign-in was not completed: the provider answered ${shownCode(error)}. Nothing was stored.`,
      );
    }
    if (!login) throw invalidState("The sign-in link's state is unknown or was already used.");
    if (Date.parse(login.expires_at) <= Date.now()) {
      throw invalidState(`The sign-in link expired at ${login.expires_at}.`);
    }
    const provider = this.deps.providers.get(login.provider);
    if (!provider) {
      throw invalidState(
        `The sign-in was for '${login.provider}', which the agent no longer declares.`,
      );
    }
    let verifier: string;
    try {
      verifier = openVerifier(this.deps.keyring, login);
    } catch {
      throw invalidState('The sign-in was started under a secrets key the server no longer has.');
    }
    if (!params.code) {
      throw new AgentProtocolError(
        'authorization_failed',
        'The sign-in was not completed: the provider sent no authorization code. Nothing was stored.',
      );
    }
    let response: oauth.TokenEndpointResponse;
    try {
      const { as, client, clientAuth, http } = await this.clients.get(provider);
      const callback = oauth.validateAuthResponse(as, client, query, state);
      const answer = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth,
        callback,
        login.redirect_uri,
        verifier,
        http,
      );
      response = await oauth.processAuthorizationCodeResponse(as, client, answer);
    } catch (cause) {
      const reason = exchangeFailure(cause);
      this.deps.logger.error(
        `${where}oauth: the sign-in to ${provider.name} failed: ${reason}`,
        cause,
      );
      throw new AgentProtocolError(
        'authorization_failed',
        `The sign-in to ${provider.name} was not completed: ${reason}. Nothing was stored.`,
      );
    }
    await this.save(
      { id: login.owner, claims: {} },
      provider.name,
      tokensFrom(response, login.scopes),
    );
    this.deps.logger.info(`${where}oauth: signed in to ${provider.name}`);
    return { provider: provider.name };
  }
}
