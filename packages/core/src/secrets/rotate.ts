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
  newKey?: string;
}): Promise<RotationResult> {
  const next = options.newKey ? parseKey(options.newKey, 'the new key') : generateKey();
  const file = join(options.dataDir, KEY_FILE);
  const nextFile = join(options.dataDir, NEXT_KEY_FILE);
  const current = options.currentKey
    ? parseKey(options.currentKey, 'AGENT_SECRETS_KEY')
    : existsSync(file)
      ? parseKey(readFileSync(file, 'utf8'), KEY_FILE)
      : undefined;
  if (!current)
    throw new Error(`No key to rotate: ${file} does not exist and AGENT_SECRETS_KEY is not set.`);
  const olds = [current];
  if (!options.currentKey && existsSync(nextFile))
    olds.push(parseKey(readFileSync(nextFile, 'utf8'), NEXT_KEY_FILE));

  if (!options.currentKey) writeKeyFile(nextFile, next);
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
