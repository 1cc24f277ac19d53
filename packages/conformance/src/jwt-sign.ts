import { createHmac, sign, type KeyObject } from 'node:crypto';

/**
 * Compact JWS signing with node:crypto only, so the fixture needs no JOSE library of its own and
 * can also sign what a library would refuse to: `alg: none`, a mismatched `kid`, an algorithm the
 * server does not allow. Only what the auth cases need: HS256/384/512, RS256, ES256, none.
 */

export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'ES256' | 'none';

/** What signs: a shared secret for HS*, a private key for RS256/ES256, nothing for `none`. */
export type JwtSigningKey = string | KeyObject | null;

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function signature(alg: JwtAlgorithm, input: string, key: JwtSigningKey): string {
  if (alg === 'none') return '';
  if (alg.startsWith('HS')) {
    if (typeof key !== 'string') throw new Error(`${alg} signs with a shared secret`);
    return createHmac(`sha${alg.slice(2)}`, key)
      .update(input)
      .digest('base64url');
  }
  if (key === null || typeof key === 'string') throw new Error(`${alg} signs with a private key`);
  // JWS wants ECDSA signatures as r || s (IEEE P1363), not the DER node:crypto emits by default.
  const dsaEncoding = alg === 'ES256' ? 'ieee-p1363' : undefined;
  return sign('sha256', Buffer.from(input), { key, dsaEncoding }).toString('base64url');
}

/**
 * Signs `claims` as a compact JWT. `header` adds to (or overrides) `{ alg, typ: 'JWT' }`, e.g. a
 * `kid`. Times in claims are seconds since the epoch, as JWT wants them.
 */
export function signJwt(
  alg: JwtAlgorithm,
  claims: Record<string, unknown>,
  key: JwtSigningKey,
  header: Record<string, unknown> = {},
): string {
  const input = `${b64url(JSON.stringify({ alg, typ: 'JWT', ...header }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${signature(alg, input, key)}`;
}

/** Seconds since the epoch, now (JWT `exp`, `nbf` and `iat` are in seconds). */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The same token with its payload swapped for `claims` and the original signature kept: what an
 * attacker who edits `sub` sends. Must be rejected.
 */
export function tamperJwt(token: string, claims: Record<string, unknown>): string {
  const [head, , sig] = token.split('.');
  return `${head}.${b64url(JSON.stringify(claims))}.${sig}`;
}
