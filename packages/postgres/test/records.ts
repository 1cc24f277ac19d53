import { randomBytes } from 'node:crypto';
import { PostgresStore, type PostgresStoreOptions } from '../src/index.js';

// The contract's records: the same in every store's tests.
export { artifact, step, task } from '@agent-protocol/core/store-contract';

/** A schema name no other test uses. */
export const freshSchema = () => `s_${randomBytes(5).toString('hex')}`;

/**
 * Opens stores in fresh schemas of one database and closes them all at once (the caller's
 * afterEach), so each test starts from empty tables without a database of its own.
 */
export function storeOpener(url: () => string) {
  const open: PostgresStore[] = [];
  return {
    async open(options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
      const store = await PostgresStore.connect({
        connectionString: url(),
        schema: freshSchema(),
        ...options,
      });
      open.push(store);
      return store;
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((s) => s.close()));
    },
  };
}
