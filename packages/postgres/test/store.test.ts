import type { OAuthLoginRecord } from '@agent-protocol/core';
import { storeContract } from '@agent-protocol/core/store-contract';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabases } from './database.js';
import { storeOpener, task } from './records.js';

const databases = useTestDatabases();
const stores = storeOpener(() => databases.url);
afterEach(() => stores.closeAll());

describe('PostgresStore', () => {
  // The contract every store keeps, as the SQLite and in-memory stores run it.
  for (const check of storeContract) it(check.name, () => check.run(() => stores.open()));

  it('gives a pending sign-in to one of two replicas taking it at once', async () => {
    const store = await stores.open();
    const other = await stores.open({ schema: store.schema });
    const pending: OAuthLoginRecord = {
      login_id: 'l1',
      owner: 'alice',
      task_id: 't',
      step_id: 's',
      provider: 'github',
      scopes: ['repo', 'read:user'],
      redirect_uri: 'https://agent.example.com/ap/v1/agent/oauth/callback',
      sealed_verifier: Buffer.from([0, 1, 255]),
      created_at: '2026-11-30T10:00:00.000Z',
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    };
    await store.putOAuthLogin(pending);
    const taken = await Promise.all([store.takeOAuthLogin('l1'), other.takeOAuthLogin('l1')]);
    expect(taken.filter(Boolean)).toStrictEqual([pending]);
    expect(await other.takeOAuthLogin('l1')).toBeUndefined();
  });

  it('keeps each schema to itself', async () => {
    const one = await stores.open();
    const two = await stores.open();
    await one.insertTask(task('t'));
    expect(await two.getTask('alice', 't')).toBeUndefined();
    expect(one.schema).not.toBe(two.schema);
  });
});
