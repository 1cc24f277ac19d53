import { resealVerifier } from '../oauth/logins.js';
import type { Reseal, Store } from '../store/types.js';
import type { Keyring } from './keyring.js';
import { associatedData } from './service.js';

/** What a rotation re-sealed. */
export interface ResealCount {
  secrets: number;
  /** Pending sign-ins, whose PKCE code verifiers are sealed with the same key. */
  logins: number;
}

/**
 * Passes before giving up on values that keep being written with an old key. Servers running
 * during a rotation seal with the new key (they are started with it first), so a second pass
 * only meets what changed during the first.
 */
const MAX_PASSES = 3;

async function onePass(store: Store, keyring: Keyring): Promise<ResealCount & { left: number }> {
  const secrets: Reseal[] = (await store.allSecrets())
    .filter((r) => !keyring.isCurrent(r.sealed))
    .map((r) => ({
      id: r.secret_id,
      from: r.sealed,
      to: keyring.encrypt(keyring.decrypt(r.sealed, associatedData(r)), associatedData(r)),
    }));
  const now = new Date().toISOString();
  // An expired sign-in can only be refused: it is not worth opening.
  const logins: Reseal[] = (await store.allOAuthLogins())
    .filter((l) => l.expires_at >= now && !keyring.isCurrent(l.sealed_verifier))
    .map((l) => ({ id: l.login_id, from: l.sealed_verifier, to: resealVerifier(keyring, l) }));
  const resealed = {
    secrets: await store.resealSecrets(secrets),
    logins: await store.resealOAuthLogins(logins),
  };
  return { ...resealed, left: secrets.length + logins.length - resealed.secrets - resealed.logins };
}

/**
 * Re-seals every stored secret and every pending sign-in with the keyring's primary key (key
 * rotation), leaving alone what is sealed with it already. A value a running server rewrote
 * meanwhile is not overwritten; another pass checks it. Throws when a value cannot be opened
 * with any key of the keyring, or when values keep arriving sealed with an old key.
 */
export async function resealAll(store: Store, keyring: Keyring): Promise<ResealCount> {
  const total: ResealCount = { secrets: 0, logins: 0 };
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const { secrets, logins, left } = await onePass(store, keyring);
    total.secrets += secrets;
    total.logins += logins;
    if (left === 0) return total;
  }
  throw new Error(
    `Values are still being written with an old key after ${MAX_PASSES} passes: a server still seals with it. Start every server with the new key as AGENT_SECRETS_KEY (the old one in AGENT_SECRETS_OLD_KEYS) before re-sealing.`,
  );
}
