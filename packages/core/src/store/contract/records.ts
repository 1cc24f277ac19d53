import type {
  ArtifactRecord,
  OAuthLoginRecord,
  SecretRecord,
  StepRecord,
  TaskRecord,
} from '../types.js';

/** A task of `owner` with the optional fields left out. */
export const task = (id: string, owner = 'alice'): TaskRecord => ({
  task_id: id,
  owner,
  input: `input ${id}`,
  additional_input: { n: id },
  client_functions: undefined,
  created_at: new Date().toISOString(),
});

/** A step with the optional fields left out. */
export const step = (
  taskId: string,
  id: string,
  status: StepRecord['status'] = 'created',
): StepRecord => ({
  step_id: id,
  task_id: taskId,
  name: null,
  status,
  input: id,
  additional_input: undefined,
  output: null,
  additional_output: null,
  is_last: false,
  extensions: undefined,
  created_at: new Date().toISOString(),
});

/** A step with every field set, the core's internal ones included. */
export const fullStep = (taskId: string, id: string): StepRecord => ({
  step_id: id,
  task_id: taskId,
  name: 'write the file',
  status: 'completed',
  input: 'write it',
  additional_input: { model: 'small', nested: { list: [1, 'two', null] } },
  output: 'written \u0000 with a NUL and é',
  additional_output: { tokens: 42 },
  is_last: true,
  outcome: 'failed',
  error: { code: 'step_failed', message: 'it broke' },
  extensions: { secret_demands: [{ key: 'K', name: 'Key', description: 'a key' }] },
  owner: 'alice',
  pause: {
    work: { input: 'write it', additional_input: { model: 'small' } },
    calls: [{ id: 'c1', name: 'lookup', arguments: { q: 1 }, result: { output: 'x' } }],
    demands: [{ key: 'K', name: 'Key', description: 'a key' }],
  },
  declined: ['OTHER'],
  created_at: '2026-11-30T10:00:00.123Z',
});

/** An artifact of the task, created by the step when one is given (uploaded otherwise). */
export const artifact = (
  id: string,
  taskId: string,
  stepId: string | null = null,
): ArtifactRecord => ({
  artifact_id: id,
  task_id: taskId,
  step_id: stepId,
  agent_created: stepId !== null,
  file_name: `${id}.txt`,
  relative_path: null,
  size: 1,
  created_at: new Date().toISOString(),
});

export const secret = (id: string, owner: string, key: string, bytes: number[]): SecretRecord => ({
  secret_id: id,
  owner,
  secret_key: key,
  sealed: Buffer.from(bytes),
  created_at: 'created',
  updated_at: 'created',
});

/** A pending sign-in that expires `inMs` from now (in the past when negative). */
export const login = (id: string, inMs: number, owner = 'alice'): OAuthLoginRecord => ({
  login_id: id,
  owner,
  task_id: 't',
  step_id: 's',
  provider: 'github',
  scopes: ['repo', 'read:user'],
  redirect_uri: 'https://agent.example.com/ap/v1/agent/oauth/callback',
  sealed_verifier: Buffer.from([1, 2, 3, 0, 255]),
  created_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + inMs).toISOString(),
});
