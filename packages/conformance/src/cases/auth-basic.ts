import type { AuthCaseGroup } from '../auth-group.js';
import {
  basicAuth,
  bearer,
  challenge,
  foreignTask,
  infoCases,
  refused,
  unauthorized,
  whoami,
} from './auth-shared.js';

/** The Basic users. Passwords long and odd so no response contains one by chance. */
export const BASIC_USERS = {
  alice: { password: 'alice-pw-Q4z8!' },
  bob: { password: 'bob-pw-L0s3?' },
  // A password with colons (only the first colon of user:password separates) and its own principal.
  carol: { password: 'pa:ss:Z9x-c', principal: 'carol-principal' },
  // Non-ASCII user and password: the challenge says charset="UTF-8" (RFC 7617 section 2.1).
  dörte: { password: 'pässwörd-✓-D7' },
} as const;

const alice = basicAuth('alice', BASIC_USERS.alice.password);
const bob = basicAuth('bob', BASIC_USERS.bob.password);
const basic = (raw: string) => ({ authorization: `Basic ${raw}` });
const b64 = (text: string) => Buffer.from(text).toString('base64');

const denied = unauthorized(challenge('Basic', { realm: 'agent', charset: 'UTF-8', error: null }));
const P = 'auth basic';

/** HTTP Basic (RFC 7617). */
export const basicGroup: AuthCaseGroup = {
  name: P,
  auth: { strategy: 'basic', users: BASIC_USERS },
  cases: [
    refused(`${P}: no credentials: 401 with a Basic challenge (realm, charset UTF-8)`, {}, denied),
    refused(`${P}: a wrong password: 401`, basicAuth('alice', 'wrong-password'), denied),
    refused(`${P}: an unknown user: 401`, basicAuth('mallory', 'alice-pw-Q4z8!'), denied),
    refused(
      `${P}: another user's password: 401`,
      basicAuth('alice', BASIC_USERS.bob.password),
      denied,
    ),
    refused(`${P}: Basic !!!notbase64: 401, not 500`, basic('!!!notbase64'), denied),
    refused(`${P}: base64 without a colon: 401`, basic(b64('alicealice-pw-Q4z8!')), denied),
    refused(`${P}: an empty user and password: 401`, basic(b64(':')), denied),
    refused(`${P}: Basic with nothing after it: 401`, { authorization: 'Basic' }, denied),
    refused(
      `${P}: valid user:password under the Bearer scheme: 401 with the Basic challenge`,
      bearer(b64(`alice:${BASIC_USERS.alice.password}`)),
      denied,
    ),
    whoami(`${P}: a valid user:password names the user`, alice, 'alice'),
    whoami(
      `${P}: the Basic scheme is case-insensitive`,
      { authorization: `basic ${b64(`bob:${BASIC_USERS.bob.password}`)}` },
      'bob',
    ),
    whoami(
      `${P}: a password with colons, and a principal other than the user name`,
      basicAuth('carol', BASIC_USERS.carol.password),
      'carol-principal',
    ),
    whoami(
      `${P}: a UTF-8 user name and password`,
      basicAuth('dörte', BASIC_USERS.dörte.password),
      'dörte',
    ),
    ...foreignTask(P, alice, bob),
    ...infoCases(P, { schemes: ['basic'], realm: 'agent' }, bob, basicAuth('bob', 'nope'), denied),
  ],
};
