import type { Store } from '../types.js';

/** Opens a store on empty tables; the caller of the checks closes every store it opened. */
export type OpenStore = () => Promise<Store>;

/** One behaviour every `Store` must have, checked with `node:assert` (no test runner needed). */
export interface StoreCheck {
  name: string;
  run(open: OpenStore): Promise<void>;
}
