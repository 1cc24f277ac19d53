/**
 * How the client authenticates (the server's info endpoint says which scheme it accepts, in
 * `auth.schemes`, and for API keys the header, in `auth.api_key_header`).
 */
export type ClientAuth =
  | {
      type: 'api_key';
      key: string;
      /**
       * The header carrying the key.
       * @default 'X-API-Key'
       */
      header?: string;
    }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | {
      type: 'token';
      /**
       * An OAuth2 / JWT access token provider, sent as `Authorization: Bearer <token>`. Asked
       * once (`refresh: false`) and the token kept; after a 401 asked again with `refresh: true`,
       * and the request is retried once with the new token.
       */
      token: (context: { refresh: boolean }) => string | Promise<string>;
    };

/** Options of {@link createClient}. */
export interface ClientOptions {
  /**
   * The server's origin plus mount prefix, e.g. `'http://127.0.0.1:8000'` or
   * `'https://x/agent'`; `'/ap/v1/...'` is appended.
   * @example 'http://127.0.0.1:8000'
   */
  baseUrl: string;
  /** Credentials sent with every request. @default none */
  auth?: ClientAuth;
  /** A fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}
