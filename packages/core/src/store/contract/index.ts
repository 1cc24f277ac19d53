import { artifactChecks } from './artifacts.js';
import { eventChecks } from './events.js';
import { lifecycleChecks } from './lifecycle.js';
import { loginChecks } from './logins.js';
import { secretChecks } from './secrets.js';
import { taskAndStepChecks } from './tasks-and-steps.js';
import type { StoreCheck } from './types.js';

export type { OpenStore, StoreCheck } from './types.js';
/** The records the checks store, for a store's own tests. */
export { artifact, fullStep, login, secret, step, task } from './records.js';

/**
 * What every `Store` must do, as checks a store's own tests run (the SQLite, in-memory and
 * PostgreSQL stores run them all; so can yours):
 *
 * ```ts
 * import { storeContract } from '@agent-protocol/core/store-contract';
 * for (const check of storeContract) it(check.name, () => check.run(openEmptyStore));
 * ```
 *
 * Each check opens the stores it needs with `open` (each on empty tables) and throws an
 * `AssertionError` saying what differs; closing them is the caller's.
 */
export const storeContract: readonly StoreCheck[] = [
  ...taskAndStepChecks,
  ...artifactChecks,
  ...eventChecks,
  ...secretChecks,
  ...loginChecks,
  ...lifecycleChecks,
];
