import { randomUUID } from 'node:crypto';
import type { Schemas } from '@agent-protocol/spec';
import type { Principal } from '../auth/types.js';
import { AgentProtocolError } from '../errors.js';
import type { PageRequest, SecretRecord, Store } from '../store/types.js';
import { KeyedQueue } from '../task-queue.js';
import type { Keyring } from './keyring.js';
import type { Redactor } from './redactor.js';

type SecretKey = Schemas['SecretKey'];

const toSecretKey = (r: SecretRecord): SecretKey => ({
  secret_id: r.secret_id,
  secret_key: r.secret_key,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Binds a sealed value to its row and owner: moved anywhere else, it fails to decrypt. */
export const associatedData = (r: Pick<SecretRecord, 'secret_id' | 'owner'>) =>
  `${r.secret_id}\u0000${r.owner}`;

/** Secrets management (seed 000): values sealed at rest, scoped to their principal. */
export class SecretsService {
  // Writes for one owner are serialised, so storing the same key twice at once keeps one row.
  private readonly writes = new KeyedQueue();

  constructor(
    private readonly store: Store,
    private readonly keyring: Keyring,
    private readonly redactor: Redactor,
  ) {}

  /** Stores a value; posting a key that exists updates its value and keeps its `secret_id`. */
  put(principal: Principal, secretKey: string, value: string): Promise<SecretKey> {
    this.redactor.add(value);
    return this.writes.run(principal.id, async () => {
      const now = new Date().toISOString();
      const existing = await this.store.getSecret(principal.id, secretKey);
      const record: SecretRecord = existing
        ? { ...existing, updated_at: now }
        : {
            secret_id: randomUUID(),
            owner: principal.id,
            secret_key: secretKey,
            sealed: Buffer.alloc(0),
            created_at: now,
            updated_at: now,
          };
      record.sealed = this.keyring.encrypt(value, associatedData(record));
      await this.store.putSecret(record);
      return toSecretKey(record);
    });
  }

  async list(principal: Principal, page: PageRequest) {
    const { items, total } = await this.store.listSecrets(principal.id, page);
    return { secret_keys: items.map(toSecretKey), total };
  }

  async revoke(principal: Principal, secretId: string): Promise<void> {
    const deleted = await this.writes.run(principal.id, () =>
      this.store.deleteSecret(principal.id, secretId),
    );
    if (!deleted) throw AgentProtocolError.notFound('Secret', secretId);
  }

  /** The stored value for a key, or undefined. Known to the redactor from then on. */
  async read(principal: Principal, secretKey: string): Promise<string | undefined> {
    const record = await this.store.getSecret(principal.id, secretKey);
    if (!record) return undefined;
    const value = this.keyring.decrypt(record.sealed, associatedData(record));
    this.redactor.add(value);
    return value;
  }
}
