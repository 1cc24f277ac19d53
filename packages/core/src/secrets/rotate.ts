import { existsSync, readFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite.js';
import {
  generateKey,
  Keyring,
  KEY_FILE,
  NEXT_KEY_FILE,
  parseKey,
  writeKeyFile,
} from './keyring.js';
import { resealAll } from './service.js';

export interface RotationResult {
  resealed: number;
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
    ...(options.oldKeys ?? '')
      .split(',')
      .filter((k) => k.trim())
      .map((k) => parseKey(k, 'AGENT_SECRETS_OLD_KEYS')),
  ];
  if (olds.length === 0)
    throw new Error(`No key to rotate: ${file} does not exist and AGENT_SECRETS_KEY is not set.`);

  if (!options.currentKey && !interrupted) writeKeyFile(nextFile, next);
  const store = new SqliteStore({ dataDir: options.dataDir });
  try {
    const resealed = await resealAll(store, new Keyring(next, olds));
    if (options.currentKey) return { resealed, newKeyForEnvironment: next.toString('base64') };
    renameSync(nextFile, file);
    const dir = openSync(options.dataDir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return { resealed };
  } finally {
    await store.close();
  }
}
