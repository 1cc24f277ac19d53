import type { AuthOptions, Principal } from '@agent-protocol/core';

/** The bearer token of the auth comparison: 32 characters, as a generated token would be. */
export const BEARER_TOKEN = 'b3nch7f0c1d9e8a7b6c4d3e2f1a0b9c8';

/** The principal the token stands for; the authed server's seeded tasks belong to it. */
export const ALICE: Principal = { id: 'alice', claims: {} };

export const BEARER_AUTH: AuthOptions = {
  strategy: 'bearer',
  tokens: { [BEARER_TOKEN]: ALICE.id },
};

/** Headers every request of the auth comparison carries, on both sides. */
export const BEARER_HEADERS = { authorization: `Bearer ${BEARER_TOKEN}` };
