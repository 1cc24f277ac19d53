import { AgentProtocolError, type RequestHeaders } from '@agent-protocol/core';
import type { AuthCaseGroup } from '../auth-group.js';
import { LEAK_MARKER } from '../reference-agent.js';
import { error } from '../shapes.js';
import {
  bearerInvalid,
  bearerMissing,
  foreignTask,
  infoCases,
  refused,
  unauthorized,
  whoami,
} from './auth-shared.js';

/** What the custom verifier accepts: a header of its own, and an `Authorization: Token` scheme. */
export const CUSTOM_CREDENTIALS = {
  alice: 'custom-alice-Vb6nQ2',
  bob: 'custom-bob-Pz3wK8',
  suspended: 'custom-suspended-Hd5rT1',
  crash: 'custom-crash-Ls9gE4',
} as const;

const C = CUSTOM_CREDENTIALS;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The application's own check. `null` means no (acceptable) credentials; a thrown
 * AgentProtocolError is the application's own answer (403 here); anything else thrown is a bug
 * in the check, which must become a 500 that says nothing of it.
 */
function verify(headers: RequestHeaders) {
  const user = one(headers['x-conformance-user']);
  const authorization = one(headers.authorization);
  if (user === C.alice) return { id: 'alice', claims: {} };
  if (authorization === `Token ${C.bob}`) return { id: 'bob', claims: { via: 'token' } };
  if (user === C.suspended) throw new AgentProtocolError('forbidden', 'This caller is suspended.');
  if (user === C.crash) throw new Error(`the verifier broke: ${LEAK_MARKER}`);
  return null;
}

const realm = 'conformance';
const P = 'auth custom';

/** `custom`: the application's `verify(headers)`, its own realm, and the info it advertises. */
export const customGroup: AuthCaseGroup = {
  name: P,
  auth: {
    strategy: 'custom',
    verify,
    realm,
    credentialsUrl: 'https://accounts.example.test',
    description: 'Send x-conformance-user, or Authorization: Token <token>.',
  },
  secrets: Object.values(CUSTOM_CREDENTIALS),
  cases: [
    refused(
      `${P}: no credentials: 401 with the configured realm`,
      {},
      unauthorized(bearerMissing(realm)),
    ),
    whoami(
      `${P}: the verifier's own header names its principal`,
      { 'x-conformance-user': C.alice },
      'alice',
    ),
    whoami(
      `${P}: the verifier's own scheme names its principal`,
      { authorization: `Token ${C.bob}` },
      'bob',
    ),
    refused(
      `${P}: an Authorization header the verifier rejects: 401 invalid_token`,
      { authorization: 'Token custom-nobody-0000' },
      unauthorized(bearerInvalid(realm)),
    ),
    refused(
      `${P}: the verifier throws a 403: 403`,
      { 'x-conformance-user': C.suspended },
      {
        status: 403,
        json: error('forbidden'),
      },
    ),
    refused(
      `${P}: the verifier crashes: 500, saying nothing of why`,
      { 'x-conformance-user': C.crash },
      {
        status: 500,
        json: error('internal'),
      },
    ),
    ...foreignTask(P, { 'x-conformance-user': C.alice }, { authorization: `Token ${C.bob}` }),
    ...infoCases(
      P,
      {
        schemes: ['bearer'],
        realm,
        credentials_url: 'https://accounts.example.test',
        description: 'Send x-conformance-user, or Authorization: Token <token>.',
      },
      { authorization: `Token ${C.bob}` },
      { authorization: 'Token custom-nobody-0000' },
      unauthorized(bearerInvalid(realm)),
    ),
  ],
};
