import type { AuthCaseGroup } from '../auth-group.js';
import type { ConformanceCase } from '../case.js';
import { error } from '../shapes.js';
import { basicAuth, bearer, withHeaders } from './auth-shared.js';
import { BEARER_TOKENS } from './auth-bearer.js';
import { get } from './requests.js';

const NOT_CACHED = { 'cache-control': 'no-store' };
/** Exactly `status`: a probe says nothing private (no version, host or error detail). */
const exactly = (status: string) => ({ $and: [{ $keys: ['status'] }, { status }] });

/** Liveness and readiness probes for load balancers, below the mount point like `/ap/`. */
export const probeCases: ConformanceCase[] = [
  {
    name: 'GET /healthz: 200 {"status": "ok"}, not cached',
    given: get('/healthz'),
    want: { status: 200, headers: NOT_CACHED, json: exactly('ok') },
  },
  {
    name: 'GET /readyz: 200 {"status": "ready"} while the store answers, not cached',
    given: get('/readyz'),
    want: { status: 200, headers: NOT_CACHED, json: exactly('ready') },
  },
  {
    name: 'POST /healthz: 405 with allow: GET',
    given: { method: 'POST', path: '/healthz' },
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
];

const P = 'probes (bearer)';

/** Probes answer whoever asks: a load balancer sends no credentials, and bad ones change nothing. */
export const probesAuthGroup: AuthCaseGroup = {
  name: P,
  auth: { strategy: 'bearer', tokens: { [BEARER_TOKENS.alice]: 'alice' } },
  cases: [
    {
      name: `${P}: /healthz and /readyz without credentials: 200`,
      given: get('/healthz'),
      want: { status: 200, json: exactly('ok') },
      then: [{ given: get('/readyz'), want: { status: 200, json: exactly('ready') } }],
    },
    {
      name: `${P}: /readyz with invalid credentials: 200, they are not looked at`,
      given: withHeaders(bearer('bt-nobody-0000'), get('/readyz')),
      want: { status: 200, json: exactly('ready') },
      then: [
        {
          given: withHeaders(basicAuth('alice', 'wrong'), get('/healthz')),
          want: { status: 200, json: exactly('ok') },
        },
      ],
    },
  ],
};
