import type { AuthCaseGroup } from '../auth-group.js';
import { basicAuth, bearer, fullInfo, INFO, setupAs, whoami, withHeaders } from './auth-shared.js';
import { get, newTask, TASK, TASKS } from './requests.js';

const auth = { schemes: ['none'], realm: 'agent' };

/**
 * `none` (the default, set explicitly here): anything goes, and whatever a client sends, every
 * task belongs to the one anonymous principal. A server must not start sorting data by a header
 * it was told not to check.
 */
export const noAuthGroup: AuthCaseGroup = {
  name: 'auth none',
  auth: { strategy: 'none' },
  cases: [
    {
      name: 'auth none: a request without credentials: 200',
      given: get(TASKS),
      want: { status: 200, json: { tasks: [] } },
    },
    whoami(
      'auth none: the principal is anonymous, whatever Authorization says',
      bearer('x'),
      'anonymous',
    ),
    {
      name: 'auth none: tasks created with different (made-up) credentials all belong to one principal',
      setup: [
        setupAs(bearer('made-up-token'), newTask({ input: 'one' }, 'one')),
        setupAs(basicAuth('someone', 'anything'), newTask({ input: 'two' }, 'two')),
        setupAs({ 'x-api-key': 'not-a-key' }, newTask({ input: 'three' }, 'three')),
      ],
      given: get(TASKS),
      want: {
        status: 200,
        json: {
          tasks: [{ task_id: '{one}' }, { task_id: '{two}' }, { task_id: '{three}' }],
          pagination: { total_items: 3 },
        },
      },
      then: [
        {
          given: withHeaders(bearer('yet-another'), get(TASK.replace('task_id', 'one'))),
          want: { status: 200, json: { input: 'one' } },
        },
      ],
    },
    {
      name: 'auth none: a malformed Authorization header is ignored: 200',
      given: withHeaders({ authorization: 'Basic !!!notbase64' }, get(TASKS)),
      want: { status: 200, json: { tasks: [] } },
    },
    {
      name: 'auth none: agent info without credentials: everything, and auth says none',
      given: get(INFO),
      want: fullInfo(auth),
    },
    {
      name: 'auth none: agent info with made-up credentials: everything too',
      given: withHeaders(bearer('made-up'), get(INFO)),
      want: fullInfo(auth),
    },
  ],
};
