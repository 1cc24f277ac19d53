import type { StoreCheck } from './types.js';

export const lifecycleChecks: StoreCheck[] = [
  {
    name: 'answers a ping, and closes once however often it is closed',
    async run(open) {
      const store = await open();
      await store.ping();
      // The caller closes it again afterwards: that too must resolve.
      await Promise.all([store.close(), store.close()]);
      await store.close();
    },
  },
];
