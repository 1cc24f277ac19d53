import { exactly, is, same } from './assert.js';
import { login } from './records.js';
import type { StoreCheck } from './types.js';

export const loginChecks: StoreCheck[] = [
  {
    name: 'gives a pending sign-in back exactly once, whole, even to two takes at once',
    async run(open) {
      const store = await open();
      const pending = login('l1', 60_000);
      await store.putOAuthLogin(pending);
      const taken = await Promise.all([store.takeOAuthLogin('l1'), store.takeOAuthLogin('l1')]);
      same(taken.filter(Boolean), [pending]);
      is(await store.takeOAuthLogin('l1'), undefined);
      is(await store.takeOAuthLogin('never-stored'), undefined);
    },
  },
  {
    name: 'drops expired sign-ins when a new one is stored, and returns one taken after expiry',
    async run(open) {
      const store = await open();
      await store.putOAuthLogin(login('old', -1_000));
      await store.putOAuthLogin(login('late', 5_000));
      await store.putOAuthLogin(login('new', 60_000, 'bob'));
      is(await store.takeOAuthLogin('old'), undefined);
      is((await store.takeOAuthLogin('new'))?.owner, 'bob');
      // Not yet expired when the last one was stored: given back, the caller judges its expiry.
      exactly((await store.takeOAuthLogin('late'))?.login_id, 'late');
    },
  },
];
