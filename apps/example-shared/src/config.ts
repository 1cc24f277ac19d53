import type { OAuthProvider } from '@agent-protocol/core';

/** A PostgreSQL database shared by several replicas (`AGENT_DATABASE_URL` and its settings). */
export interface DatabaseConfig {
  /** `AGENT_DATABASE_URL`: `postgres://user:password@host:5432/database`. */
  url: string;
  /** `AGENT_DATABASE_POOL_SIZE`, default 10: connections this process opens at most. */
  poolSize: number;
  /** `AGENT_STEP_LEASE_MS`, default 15000: how soon survivors take over a dead replica's steps. */
  leaseMs: number;
}

/** The environment every example app reads (documented in the root README). */
export interface ExampleConfig {
  /** `PORT`, default 8000; 0 picks a free port. */
  port: number;
  /** `HOST`, default 127.0.0.1. */
  host: string;
  /** `AGENT_DATA_DIR`, default ./.agent-data. */
  dataDir: string;
  /** Set when `AGENT_DATABASE_URL` is; otherwise the embedded SQLite store in `dataDir`. */
  database: DatabaseConfig | undefined;
  /**
   * `AGENT_PUBLIC_URL`: where users' browsers reach this server (`https://agent.example.com`),
   * the base of the redirect URI OAuth providers send them back to after a sign-in.
   */
  publicUrl: string | undefined;
  /** `AGENT_OAUTH_PROVIDERS`: the providers `use oauth <provider>` signs in to (JSON). */
  oauthProviders: Record<string, OAuthProvider> | undefined;
}

/** A setting the app cannot start with; the message names the variable and what it needs. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  // An empty value counts as unset, as a shell's `NAME=` line means "nothing here".
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got '${raw}'.`);
  }
  return value;
}

function readDatabase(env: NodeJS.ProcessEnv): DatabaseConfig | undefined {
  const url = env.AGENT_DATABASE_URL?.trim();
  if (!url) return undefined;
  // Checked here rather than left to the core: its error speaks of options, this one of the
  // environment an operator sets.
  if (!env.AGENT_SECRETS_KEY?.trim()) {
    throw new ConfigError(
      'AGENT_DATABASE_URL is set but AGENT_SECRETS_KEY is not. Replicas sharing a database must ' +
        'share AGENT_SECRETS_KEY (32 bytes, base64 or hex; e.g. `openssl rand -base64 32`), or ' +
        'none of them could open the secrets another one stored. Set the same value in every replica.',
    );
  }
  return {
    url,
    poolSize: integer(env, 'AGENT_DATABASE_POOL_SIZE', 10, 1, 1000),
    // Below 100 ms the renewals (every third of it) would be most of the database's work.
    leaseMs: integer(env, 'AGENT_STEP_LEASE_MS', 15_000, 100, 86_400_000),
  };
}

function readPublicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.AGENT_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new ConfigError(
      `AGENT_PUBLIC_URL must be the http(s) URL users' browsers reach this server at, without a query, got '${raw}'.`,
    );
  }
  return raw.replace(/\/+$/, '');
}

/**
 * `AGENT_OAUTH_PROVIDERS`: a JSON object of providers by name, each as `OAuthProvider` of the
 * core (`issuer` or `authorizationEndpoint` and `tokenEndpoint`, `clientId`, `clientSecret`,
 * `scopes`...). The core checks each provider at start; this only checks the shape.
 */
function readOAuthProviders(
  env: NodeJS.ProcessEnv,
  publicUrl: string | undefined,
): Record<string, OAuthProvider> | undefined {
  const raw = env.AGENT_OAUTH_PROVIDERS?.trim();
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not the text: it holds client secrets.
    throw new ConfigError('AGENT_OAUTH_PROVIDERS must be a JSON object of providers by name.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('AGENT_OAUTH_PROVIDERS must be a JSON object of providers by name.');
  }
  const providers = parsed as Record<string, OAuthProvider>;
  const needsBase = Object.values(providers).some((p) => !p?.redirectUri);
  if (needsBase && !publicUrl) {
    throw new ConfigError(
      'AGENT_OAUTH_PROVIDERS is set but AGENT_PUBLIC_URL is not: providers send the browser back to <AGENT_PUBLIC_URL>/ap/v1/agent/oauth/callback, the redirect URI to register with them.',
    );
  }
  return providers;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got '${env.PORT}'.`);
  }
  const publicUrl = readPublicUrl(env);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.AGENT_DATA_DIR ?? './.agent-data',
    database: readDatabase(env),
    publicUrl,
    oauthProviders: readOAuthProviders(env, publicUrl),
  };
}
