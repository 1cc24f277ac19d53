import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * The key pairs of the fixture's own token issuer: an RSA key (RS256) and a P-256 key (ES256),
 * published in the JWKS the test serves, and a stranger RSA key that is in no JWKS (its tokens
 * claim the RSA key's `kid`, so only the signature check can reject them).
 */
export interface SigningKeys {
  rsa: KeyObject;
  ec: KeyObject;
  stranger: KeyObject;
  /** The public halves of `rsa` and `ec`, as a JWKS document. */
  jwks: { keys: JsonWebKey[] };
}

export const RS256_KID = 'conformance-rs256';
export const ES256_KID = 'conformance-es256';

let keys: SigningKeys | undefined;

/** Generated on first use and shared by the whole process: RSA key generation is slow. */
export function signingKeys(): SigningKeys {
  if (keys) return keys;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = (key: KeyObject, kid: string, alg: string): JsonWebKey => ({
    ...key.export({ format: 'jwk' }),
    kid,
    alg,
    use: 'sig',
  });
  keys = {
    rsa: rsa.privateKey,
    ec: ec.privateKey,
    stranger: stranger.privateKey,
    jwks: {
      keys: [jwk(rsa.publicKey, RS256_KID, 'RS256'), jwk(ec.publicKey, ES256_KID, 'ES256')],
    },
  };
  return keys;
}
