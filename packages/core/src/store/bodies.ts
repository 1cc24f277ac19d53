import type { StepRecord, TaskRecord } from './types.js';

/**
 * Records to rows and back, for every SQL store alike. The fields a database never filters on
 * are one JSON body, so every field (internal ones included: `owner`, `pause`, `declined`)
 * round-trips exactly, and a new optional field needs no migration. `undefined` fields are
 * absent from the JSON and come back `undefined`; `null` stays `null`.
 */

export interface TaskRow {
  task_id: string;
  owner: string;
  body: string;
  created_at: string;
}

export interface StepRow {
  step_id: string;
  task_id: string;
  status: string;
  body: string;
  created_at: string;
}

type TaskBody = Pick<TaskRecord, 'input' | 'additional_input' | 'client_functions'>;
type StepBody = Omit<StepRecord, 'step_id' | 'task_id' | 'status' | 'created_at'>;

export function taskBody(task: TaskRecord): string {
  const body: TaskBody = {
    input: task.input,
    additional_input: task.additional_input,
    client_functions: task.client_functions,
  };
  return JSON.stringify(body);
}

export function taskFromRow(row: TaskRow): TaskRecord {
  const body = JSON.parse(row.body) as TaskBody;
  return {
    task_id: row.task_id,
    owner: row.owner,
    input: body.input ?? null,
    additional_input: body.additional_input,
    client_functions: body.client_functions,
    created_at: row.created_at,
  };
}

export function stepBody(step: StepRecord): string {
  const { step_id: _s, task_id: _t, status: _st, created_at: _c, ...body } = step;
  return JSON.stringify(body);
}

export function stepFromRow(row: StepRow): StepRecord {
  const body = JSON.parse(row.body) as StepBody;
  return {
    ...body,
    step_id: row.step_id,
    task_id: row.task_id,
    status: row.status as StepRecord['status'],
    created_at: row.created_at,
  };
}
