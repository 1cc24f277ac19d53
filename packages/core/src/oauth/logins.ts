import { createHash } from 'node:crypto';
import type { Keyring } from '../secrets/keyring.js';
import type { OAuthLoginRecord } from '../store/types.js';

/**
 * Pending sign-ins are stored under a hash of their `state`, never the state itself: whoever reads
 * the database learns no state to complete a sign-in with.
 */
export const loginIdOf = (state: string) =>
  createHash('sha256').update('agent-protocol-oauth-state').update(state).digest('hex');

/** Binds a sealed code verifier to its sign-in and principal: moved to another row, it fails. */
const associatedData = (r: Pick<OAuthLoginRecord, 'login_id' | 'owner'>) =>
  `oauth-login\u0000${r.login_id}\u0000${r.owner}`;

/** The PKCE code verifier, sealed with the secrets keyring like a secret value. */
export function sealVerifier(
  keyring: Keyring,
  login: Pick<OAuthLoginRecord, 'login_id' | 'owner'>,
  verifier: string,
): Buffer {
  return keyring.encrypt(verifier, associatedData(login));
}

/** The pending sign-in's code verifier sealed again with the keyring's primary key (rotation). */
export function resealVerifier(keyring: Keyring, login: OAuthLoginRecord): Buffer {
  return sealVerifier(keyring, login, openVerifier(keyring, login));
}

/** The code verifier of a pending sign-in; throws when it cannot be opened (the key changed). */
export function openVerifier(keyring: Keyring, login: OAuthLoginRecord): string {
  return keyring.decrypt(login.sealed_verifier, associatedData(login));
}
