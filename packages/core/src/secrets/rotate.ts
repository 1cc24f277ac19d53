import { existsSync, readFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite.js';
import {
  generateKey,
  Keyring,
  KEY_FILE,
  NEXT_KEY_FILE,
  parseKey,
  parseOldKeys,
  writeKeyFile,
} from './keyring.js';
import type { Store } from '../store/types.js';
import { resealAll } from './reseal.js';

export interface RotationResult {
  /** Secrets re-sealed. */
  resealed: number;
  /** Pending sign-ins whose code verifier was re-sealed. */
  logins: number;
  /** Set when the key lives in AGENT_SECRETS_KEY: the new key the operator must configure. */
  newKeyForEnvironment?: string;
}

/**
 * Rotates the key sealing a data directory's secrets. With the key file: the new key is written
 * to `secrets.key.next` first, every secret is re-sealed in one transaction, then the new key
 * replaces `secrets.key` — an interruption at any point leaves every secret readable (the server
 * reads both files). With `currentKey` (AGENT_SECRETS_KEY), the re-sealed data needs the new key
 * configured in its place. Stop the server first: it holds the old keyring in memory.
 */
export async function rotateSecretsKey(options: {
  dataDir: string;
  currentKey?: string;
  /** Keys that may still seal some rows (AGENT_SECRETS_OLD_KEYS), comma-separated. */
  oldKeys?: string;
  newKey?: string;
}): Promise<RotationResult> {
  const file = join(options.dataDir, KEY_FILE);
  const nextFile = join(options.dataDir, NEXT_KEY_FILE);
  const fileKey = existsSync(file) ? parseKey(readFileSync(file, 'utf8'), KEY_FILE) : undefined;
  const interrupted = !options.currentKey && existsSync(nextFile);
  if (interrupted && options.newKey) {
    throw new Error(
      `${NEXT_KEY_FILE} exists: an earlier rotation was interrupted. Run again without --new-key to finish it.`,
    );
  }
  // Finishing an interrupted rotation re-uses its key: some rows may already be sealed with it.
  const next = interrupted
    ? parseKey(readFileSync(nextFile, 'utf8'), NEXT_KEY_FILE)
    : options.newKey
      ? parseKey(options.newKey, 'the new key')
      : generateKey();
  const olds = [
    ...(options.currentKey ? [parseKey(options.currentKey, 'AGENT_SECRETS_KEY')] : []),
    ...(fileKey ? [fileKey] : []),
    ...parseOldKeys(options.oldKeys),
  ];
  if (olds.length === 0)
    throw new Error(`No key to rotate: ${file} does not exist and AGENT_SECRETS_KEY is not set.`);

  if (!options.currentKey && !interrupted) writeKeyFile(nextFile, next);
  const store = new SqliteStore({ dataDir: options.dataDir });
  try {
    const { secrets: resealed, logins } = await resealAll(store, new Keyring(next, olds));
    if (options.currentKey)
      return { resealed, logins, newKeyForEnvironment: next.toString('base64') };
    renameSync(nextFile, file);
    const dir = openSync(options.dataDir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return { resealed, logins };
  } finally {
    await store.close();
  }
}

/**
 * Rotates the key of a store several servers share (PostgreSQL), whose key is configured in
 * each (`AGENT_SECRETS_KEY`), never in a file. Servers may keep running when each already has
 * `newKey` as its key and `currentKey` among its old keys: they read both while this re-seals,
 * and a value one of them writes meanwhile is left as it is. The caller owns the store.
 */
export async function rotateSharedSecretsKey(
  store: Store,
  options: { currentKey: string; oldKeys?: string; newKey?: string },
): Promise<RotationResult> {
  const next = options.newKey ? parseKey(options.newKey, 'the new key') : generateKey();
  const olds = [
    parseKey(options.currentKey, 'AGENT_SECRETS_KEY'),
    ...parseOldKeys(options.oldKeys),
  ];
  const { secrets: resealed, logins } = await resealAll(store, new Keyring(next, olds));
  return { resealed, logins, newKeyForEnvironment: next.toString('base64') };
}
