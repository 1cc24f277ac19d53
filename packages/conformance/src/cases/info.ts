import type { ConformanceCase } from '../case.js';
import { error } from '../shapes.js';
import { get } from './requests.js';

/** The reference agent's info as a caller that may see everything gets it (auth off). */
export const referenceInfo = {
  name: 'reference-agent',
  protocol: 1,
  version: '1.0.0',
  description: { $type: 'string' },
  config_options: {
    greeting: {
      type: 'string',
      default: 'Hello',
      description: { $type: 'string' },
      scope: ['task', 'step'],
    },
    verbosity: {
      type: 'string',
      default: 'normal',
      description: { $type: 'string' },
      options: ['quiet', 'normal', 'loud'],
      scope: ['step'],
    },
    delay_ms: {
      type: 'integer',
      default: 0,
      description: { $type: 'string' },
      scope: ['task', 'step'],
    },
  },
};

/** getAgentInfo, at both paths clients look for it. */
export const infoCases: ConformanceCase[] = [
  {
    name: 'agent info at /ap/v1/agent/info',
    given: get('/ap/v1/agent/info'),
    want: { status: 200, json: referenceInfo },
  },
  {
    name: 'agent info at /ap/v2/agent/info (seed 004 clients)',
    given: get('/ap/v2/agent/info'),
    want: { status: 200, json: referenceInfo },
  },
  {
    name: 'agent info with a JSON body on the GET: the body is ignored',
    given: { method: 'GET', path: '/ap/v1/agent/info', json: { input: 'ignored' } },
    want: { status: 200, json: { name: 'reference-agent', protocol: 1 } },
  },
  {
    name: 'POST to agent info: 405 with an allow header',
    given: { method: 'POST', path: '/ap/v1/agent/info', json: {} },
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
];
