import { randomBytes } from 'node:crypto';
import type { ArtifactRecord, StepRecord, TaskRecord } from '@agent-protocol/core';
import { PostgresStore, type PostgresStoreOptions } from '../src/index.js';

export const task = (id: string, owner = 'alice'): TaskRecord => ({
  task_id: id,
  owner,
  input: `input ${id}`,
  additional_input: { n: id },
  client_functions: undefined,
  created_at: new Date().toISOString(),
});

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

/** A schema name no other test uses. */
export const freshSchema = () => `s_${randomBytes(5).toString('hex')}`;

/**
 * Opens stores in fresh schemas of one database and closes them all at once (the caller's
 * afterEach), so each test starts from empty tables without a database of its own.
 */
export function storeOpener(url: () => string) {
  const open: PostgresStore[] = [];
  return {
    async open(options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
      const store = await PostgresStore.connect({
        connectionString: url(),
        schema: freshSchema(),
        ...options,
      });
      open.push(store);
      return store;
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((s) => s.close()));
    },
  };
}
