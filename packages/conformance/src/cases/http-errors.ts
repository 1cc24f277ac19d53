import type { ConformanceCase } from '../case.js';
import { CONFORMANCE_LIMITS } from '../limits.js';
import { error } from '../shapes.js';
import {
  ARTIFACTS,
  field,
  file,
  get,
  newStep,
  newTask,
  post,
  STEPS,
  TASKS,
  upload,
} from './requests.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A JSON step body of exactly `size` bytes. */
function jsonOfSize(size: number): string {
  const frame = '{"input":""}';
  return `{"input":"${'x'.repeat(size - frame.length)}"}`;
}

/** Routing (404, 405), body parsing (400, 413, 415): the failures that come before any handler. */
export const httpErrorCases: ConformanceCase[] = [
  {
    name: 'unknown route under /ap/v1: 404 JSON',
    given: get('/ap/v1/agent/nothing-here'),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'unknown protocol version: 404 JSON',
    given: get('/ap/v3/agent/info'),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'unknown route below a task: 404 JSON',
    setup: [newTask()],
    given: get(`${TASKS}/{task_id}/unknown`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'DELETE on the tasks collection: 405 with allow: GET, POST',
    given: { method: 'DELETE', path: TASKS },
    want: { status: 405, headers: { allow: 'GET, POST' }, json: error('method_not_allowed') },
  },
  {
    name: 'PUT on a task: 405 with allow: GET',
    setup: [newTask()],
    given: { method: 'PUT', path: `${TASKS}/{task_id}`, json: { input: 'x' } },
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
  {
    name: 'PATCH on a step: 405 with allow: GET',
    setup: [newTask(), newStep({ input: 'x' }, 'step_id')],
    given: { method: 'PATCH', path: `${STEPS}/{step_id}`, json: {} },
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
  {
    name: 'DELETE on the steps collection: 405 with allow: GET, POST',
    setup: [newTask()],
    given: { method: 'DELETE', path: STEPS },
    want: { status: 405, headers: { allow: 'GET, POST' }, json: error('method_not_allowed') },
  },
  {
    name: 'DELETE on an artifact: 405 with allow: GET',
    setup: [newTask(), { given: upload([file('x')]), bind: { artifact_id: 'artifact_id' } }],
    given: { method: 'DELETE', path: `${ARTIFACTS}/{artifact_id}` },
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
  {
    name: 'malformed JSON creating a task: 400',
    given: {
      method: 'POST',
      path: TASKS,
      headers: JSON_HEADERS,
      rawBody: '{"input": "unterminated',
    },
    want: { status: 400, json: error('bad_request') },
  },
  {
    name: 'malformed JSON on a step: 400, and no step recorded',
    setup: [newTask()],
    given: {
      method: 'POST',
      path: STEPS,
      headers: JSON_HEADERS,
      rawBody: "{input: 'single quotes'}",
    },
    want: { status: 400, json: error('bad_request') },
    then: [{ given: get(STEPS), want: { status: 200, json: { steps: [] } } }],
  },
  {
    name: `a JSON body of exactly the limit (${CONFORMANCE_LIMITS.maxJsonBytes} bytes) is accepted`,
    setup: [newTask()],
    given: {
      method: 'POST',
      path: STEPS,
      headers: JSON_HEADERS,
      rawBody: jsonOfSize(CONFORMANCE_LIMITS.maxJsonBytes),
    },
    want: { status: 200, json: { status: 'completed' } },
  },
  {
    name: 'a JSON body one byte over the limit: 413',
    setup: [newTask()],
    given: {
      method: 'POST',
      path: STEPS,
      headers: JSON_HEADERS,
      rawBody: jsonOfSize(CONFORMANCE_LIMITS.maxJsonBytes + 1),
    },
    want: { status: 413, json: error('payload_too_large') },
    then: [{ given: get(STEPS), want: { status: 200, json: { steps: [] } } }],
  },
  {
    name: 'a JSON body far over the limit creating a task: 413',
    given: post(TASKS, { input: 'x'.repeat(CONFORMANCE_LIMITS.maxJsonBytes * 4) }),
    want: { status: 413, json: error('payload_too_large') },
  },
  {
    name: 'multipart to the create-task endpoint: 415',
    given: upload([field('input', 'x')], TASKS),
    want: { status: 415, json: error('unsupported_media_type') },
    then: [{ given: get(TASKS), want: { status: 200, json: { tasks: [] } } }],
  },
  {
    name: 'multipart to the step endpoint: 415',
    setup: [newTask()],
    given: upload([file('x')], STEPS),
    want: { status: 415, json: error('unsupported_media_type') },
  },
  {
    name: 'a path segment that is not valid percent-encoding: 400 JSON',
    given: get(`${TASKS}/%E0%A4%A`),
    want: { status: 400, json: error('bad_request') },
  },
];
