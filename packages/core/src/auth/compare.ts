import { hash, timingSafeEqual } from 'node:crypto';

// One-shot hashing: no Hash object per request (this runs on every authenticated call).
const digest = (value: string) => hash('sha256', value, 'buffer');

/**
 * Static secrets (API keys, bearer tokens, passwords) looked up in constant time: every entry is
 * compared, each through fixed-length digests, so timing says nothing about which or how much
 * of a secret matched.
 */
export class SecretTable<T> {
  private readonly entries: [Buffer, T][];

  constructor(entries: [string, T][]) {
    this.entries = entries.map(([secret, value]) => [digest(secret), value]);
  }

  find(candidate: string): T | undefined {
    const probe = digest(candidate);
    let found: T | undefined;
    for (const [secret, value] of this.entries) {
      if (timingSafeEqual(secret, probe) && found === undefined) found = value;
    }
    return found;
  }
}
