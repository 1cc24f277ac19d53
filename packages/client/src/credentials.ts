import type { ClientAuth } from './options.js';

/** Base64 of UTF-8 text without Node's Buffer: the main entry runs in browsers too. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Puts the configured credentials on each request. A token provider's token is kept and each
 * request remembers which generation of it it carried, so that after a 401 only one refresh
 * happens however many requests were refused with the same old token.
 */
export class Credentials {
  private token: Promise<string> | undefined;
  private generation = 0;

  constructor(private readonly auth: ClientAuth | undefined) {}

  /** Whether a refused request may be retried with new credentials. */
  get refreshable(): boolean {
    return this.auth?.type === 'token';
  }

  /** Sets the credential headers; answers the token generation used. */
  async apply(headers: Headers): Promise<number> {
    const auth = this.auth;
    if (!auth) return 0;
    switch (auth.type) {
      case 'api_key':
        headers.set(auth.header ?? 'X-API-Key', auth.key);
        return 0;
      case 'basic':
        headers.set('Authorization', `Basic ${base64(`${auth.username}:${auth.password}`)}`);
        return 0;
      case 'bearer':
        headers.set('Authorization', `Bearer ${auth.token}`);
        return 0;
      case 'token': {
        const generation = this.generation;
        this.token ??= this.ask(auth.token, false);
        headers.set('Authorization', `Bearer ${await this.token}`);
        return generation;
      }
    }
  }

  /**
   * A request carrying generation `used` was refused: ask the provider for a new token, unless
   * another refused request already did since.
   */
  async refresh(used: number): Promise<void> {
    const auth = this.auth;
    if (auth?.type !== 'token') return;
    if (used === this.generation) {
      this.generation += 1;
      this.token = this.ask(auth.token, true);
    }
    await this.token;
  }

  private ask(
    provider: (context: { refresh: boolean }) => string | Promise<string>,
    refresh: boolean,
  ): Promise<string> {
    const token = Promise.resolve().then(() => provider({ refresh }));
    // A provider that failed is asked again by the next request rather than failing them all.
    token.catch(() => {
      if (this.token === token) this.token = undefined;
    });
    return token;
  }
}
