import type { Bytes, CaseRequest, FollowUp, MultipartPart, SetupRequest } from '../case.js';

/** Request builders shared by the case files, so each case reads as what it is about. */

export const V1 = '/ap/v1/agent';
export const TASKS = `${V1}/tasks`;
export const TASK = `${TASKS}/{task_id}`;
export const STEPS = `${TASK}/steps`;
export const ARTIFACTS = `${TASK}/artifacts`;
export const SECRETS = `${V1}/secrets`;
export const SECRET = `${SECRETS}/{secret_id}`;

/** An id no server ever issued: well-formed, so only the lookup can fail. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export const get = (path: string, query?: Record<string, string>): CaseRequest =>
  query ? { method: 'GET', path, query } : { method: 'GET', path };

export const post = (path: string, json?: unknown): CaseRequest =>
  json === undefined ? { method: 'POST', path } : { method: 'POST', path, json };

export const del = (path: string): CaseRequest => ({ method: 'DELETE', path });

/** Stores a secret (addAgentSecret). */
export const storeSecret = (secret_key: string, secret_value: string): CaseRequest =>
  post(SECRETS, { secret_key, secret_value });

export const upload = (parts: MultipartPart[], path = ARTIFACTS): CaseRequest => ({
  method: 'POST',
  path,
  multipart: parts,
});

export const file = (content: Bytes, filename = 'notes.txt'): MultipartPart => ({
  field: 'file',
  filename,
  content,
});

export const field = (name: string, value: string): MultipartPart => ({ field: name, value });

/** Creates a task and binds `{task_id}` (or another name). */
export function newTask(json: unknown = { input: 'conformance' }, as = 'task_id'): SetupRequest {
  return { given: post(TASKS, json), bind: { [as]: 'task_id' } };
}

/** Runs a step on `{task_id}`; binds `{step_id}` (or another name) when `as` is given. */
export function newStep(json: unknown, as?: string, taskVar = 'task_id'): SetupRequest {
  const given = post(`${TASKS}/{${taskVar}}/steps`, json);
  return as ? { given, bind: { [as]: 'step_id' } } : { given };
}

/** Stores a secret; binds `{secret_id}` (or another name). */
export function newSecret(key: string, value: string, as = 'secret_id'): SetupRequest {
  return { given: storeSecret(key, value), bind: { [as]: 'secret_id' } };
}

/** Uploads a file to `{task_id}`; binds `{artifact_id}` (or another name). */
export function newUpload(parts: MultipartPart[], as = 'artifact_id'): SetupRequest {
  return { given: upload(parts), bind: { [as]: 'artifact_id' } };
}

/** A follow-up proving that a refused step request recorded nothing. */
export const noStepRecorded: FollowUp = {
  given: get(STEPS),
  want: { status: 200, json: { steps: [], pagination: { total_items: 0 } } },
};
