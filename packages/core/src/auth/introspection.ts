import { createHash } from 'node:crypto';
import type { IntrospectionOptions } from './types.js';

interface Cached {
  claims: Record<string, unknown> | null;
  until: number;
}

/** RFC 7662 token introspection with a cache keyed by a digest of the token (never the token). */
export class Introspector {
  private readonly cache = new Map<string, Cached>();
  private readonly authorization: string;

  constructor(private readonly options: IntrospectionOptions) {
    const id = encodeURIComponent(options.clientId);
    const secret = encodeURIComponent(options.clientSecret);
    this.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }

  /** The active token's claims, or null when the server says it is not active. */
  async introspect(token: string): Promise<Record<string, unknown> | null> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.claims;

    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        authorization: this.authorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
    });
    if (!response.ok) throw new Error(`introspection endpoint answered ${response.status}`);
    const body = (await response.json()) as Record<string, unknown>;
    const active =
      body.active === true && !(typeof body.exp === 'number' && body.exp * 1000 <= now);
    const claims = active ? body : null;
    let until = now + (this.options.cacheTtlMs ?? 60_000);
    if (active && typeof body.exp === 'number') until = Math.min(until, body.exp * 1000);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { claims, until });
    return claims;
  }
}
