import { exactly, is, same } from './assert.js';
import { login, secret } from './records.js';
import type { StoreCheck } from './types.js';

export const secretChecks: StoreCheck[] = [
  {
    name: 'puts, replaces, lists and deletes secrets, each owner’s apart',
    async run(open) {
      const store = await open();
      await store.putSecret(secret('s1', 'alice', 'A', [1, 2, 3]));
      await store.putSecret(secret('s2', 'alice', 'B', [4]));
      await store.putSecret(secret('s3', 'bob', 'A', [5]));
      same(await store.getSecret('alice', 'A'), secret('s1', 'alice', 'A', [1, 2, 3]));
      is(await store.getSecret('carol', 'A'), undefined);

      // Replacing keeps the secret's place in the list and its creation time.
      const replaced = { ...secret('s1', 'alice', 'A', [9]), updated_at: 'updated' };
      await store.putSecret(replaced);
      same(await store.getSecret('alice', 'A'), replaced);
      const page = await store.listSecrets('alice', { page: 1, size: 1 });
      is(page.total, 2);
      exactly(
        page.items.map((s) => s.secret_id),
        ['s1'],
      );
      is((await store.listSecrets('alice', { page: 2, size: 1 })).items[0]?.secret_id, 's2');
      exactly(await store.listSecrets('alice', { page: 3, size: 1 }), { items: [], total: 2 });

      is(await store.deleteSecret('bob', 's1'), false, "alice's secret is not bob's to delete");
      is(await store.deleteSecret('alice', 's1'), true);
      is(await store.deleteSecret('alice', 's1'), false);
      exactly((await store.allSecrets()).map((s) => s.secret_id).sort(), ['s2', 's3']);
    },
  },
  {
    name: 're-seals for a key rotation only the rows that still hold what was read',
    async run(open) {
      const store = await open();
      await store.putSecret(secret('s1', 'alice', 'K1', [1, 1]));
      await store.putSecret(secret('s2', 'bob', 'K2', [1, 2]));
      // s2 was rewritten by a running server after the rotation read it: its newer value stays.
      const changes = [
        { id: 's1', from: Buffer.from([1, 1]), to: Buffer.from([9, 1]) },
        { id: 's2', from: Buffer.from([1, 0]), to: Buffer.from([9, 2]) },
        { id: 'gone', from: Buffer.from([1]), to: Buffer.from([9]) },
      ];
      is(await store.resealSecrets(changes), 1);
      is(await store.resealSecrets([]), 0);
      exactly(
        new Map((await store.allSecrets()).map((s) => [s.secret_id, s.sealed])),
        new Map([
          ['s1', Buffer.from([9, 1])],
          ['s2', Buffer.from([1, 2])],
        ]),
      );

      await store.putOAuthLogin(login('l1', 60_000));
      await store.putOAuthLogin(login('l2', 60_000));
      exactly((await store.allOAuthLogins()).map((l) => l.login_id).sort(), ['l1', 'l2']);
      const verifier = login('l1', 0).sealed_verifier;
      is(
        await store.resealOAuthLogins([
          { id: 'l1', from: verifier, to: Buffer.from([7]) },
          { id: 'l2', from: Buffer.from([0]), to: Buffer.from([7]) },
        ]),
        1,
      );
      exactly((await store.takeOAuthLogin('l1'))?.sealed_verifier, Buffer.from([7]));
      exactly((await store.takeOAuthLogin('l2'))?.sealed_verifier, verifier);
    },
  },
];
