import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, readFileSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';

/** The key file generated in the data directory on first start (mode 0600). */
export const KEY_FILE = 'secrets.key';
/** A key being rotated in: written before re-encryption, renamed over KEY_FILE after. */
export const NEXT_KEY_FILE = 'secrets.key.next';

const VERSION = 1;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Parses a 256-bit key given as base64 (or base64url) or 64 hex characters. */
export function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new Error(`${source} must hold a 256-bit key (32 bytes, base64 or hex).`);
  return key;
}

export function generateKey(): Buffer {
  return randomBytes(32);
}

function keyId(key: Buffer): Buffer {
  return createHash('sha256')
    .update('agent-protocol-secrets-key')
    .update(key)
    .digest()
    .subarray(0, KEY_ID_BYTES);
}

/** Writes a key file readable by its owner only, flushed to disk. */
export function writeKeyFile(path: string, key: Buffer): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per write and caller-chosen associated data (the
 * secret's id and owner), so a ciphertext moved to another row or principal fails to decrypt.
 * Layout: version (1) | key id (8) | nonce (12) | tag (16) | ciphertext. The key id lets old
 * keys keep decrypting during a rotation.
 */
export class Keyring {
  private readonly primary: { id: Buffer; key: Buffer };
  private readonly byId = new Map<string, Buffer>();

  constructor(primary: Buffer, others: Buffer[] = []) {
    this.primary = { id: keyId(primary), key: primary };
    for (const key of [primary, ...others]) this.byId.set(keyId(key).toString('hex'), key);
  }

  encrypt(plaintext: string, associatedData: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.primary.key, nonce);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([
      Buffer.from([VERSION]),
      this.primary.id,
      nonce,
      cipher.getAuthTag(),
      body,
    ]);
  }

  decrypt(sealed: Buffer, associatedData: string): string {
    if (sealed[0] !== VERSION) throw new Error('unknown secret format');
    let at = 1;
    const id = sealed.subarray(at, (at += KEY_ID_BYTES));
    const nonce = sealed.subarray(at, (at += NONCE_BYTES));
    const tag = sealed.subarray(at, (at += TAG_BYTES));
    const key = this.byId.get(id.toString('hex'));
    if (!key) throw new Error('the secret was sealed with a key this server does not have');
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(at)), decipher.final()]).toString('utf8');
  }

  /** Whether a sealed value was written with the primary key (rotation skips those). */
  isCurrent(sealed: Buffer): boolean {
    return sealed.subarray(1, 1 + KEY_ID_BYTES).equals(this.primary.id);
  }
}

export interface KeySource {
  /** `AGENT_SECRETS_KEY`: the primary key (base64 or hex). */
  key?: string;
  /** `AGENT_SECRETS_OLD_KEYS`: comma-separated keys that may still decrypt during a rotation. */
  oldKeys?: string;
}

/** `AGENT_SECRETS_OLD_KEYS`: comma-separated keys (base64 or hex), none when unset. */
export function parseOldKeys(text: string | undefined): Buffer[] {
  return (text ?? '')
    .split(',')
    .filter((k) => k.trim())
    .map((k) => parseKey(k, 'AGENT_SECRETS_OLD_KEYS'));
}

/**
 * The keyring for a data directory: the configured key, or the key file (generated on first
 * start, mode 0600), plus a key being rotated in and any old keys still configured.
 */
export function loadKeyring(dataDir: string, source: KeySource = {}): Keyring {
  const others = parseOldKeys(source.oldKeys);
  const file = join(dataDir, KEY_FILE);
  const next = join(dataDir, NEXT_KEY_FILE);
  let primary: Buffer;
  if (source.key) {
    primary = parseKey(source.key, 'AGENT_SECRETS_KEY');
  } else if (existsSync(next)) {
    // A rotation was interrupted: the new key may already seal some rows; keep both.
    primary = parseKey(readFileSync(next, 'utf8'), NEXT_KEY_FILE);
    if (existsSync(file)) others.push(parseKey(readFileSync(file, 'utf8'), KEY_FILE));
  } else if (existsSync(file)) {
    primary = parseKey(readFileSync(file, 'utf8'), KEY_FILE);
  } else {
    primary = generateKey();
    writeKeyFile(file, primary);
  }
  if (source.key && existsSync(file)) others.push(parseKey(readFileSync(file, 'utf8'), KEY_FILE));
  return new Keyring(primary, others);
}
