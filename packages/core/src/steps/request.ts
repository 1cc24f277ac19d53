import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/types.js';
import type { FunctionResultInput } from '../pause.js';
import type { StepRecord, TaskRecord } from '../store/types.js';

/** A task or step request body, as validated against the spec. */
export interface RequestBody {
  input?: string | null;
  additional_input?: Record<string, unknown>;
  client_functions?: string[];
  function_results?: FunctionResultInput[];
  declined_secrets?: string[];
}

export const isBlank = (input: string | null | undefined) => input == null || input.trim() === '';

/** A new step record for a request, not yet run. */
export function newStep(task: TaskRecord, body: RequestBody, principal: Principal): StepRecord {
  return {
    step_id: randomUUID(),
    task_id: task.task_id,
    name: null,
    status: 'created',
    input: body.input ?? null,
    additional_input: body.additional_input,
    output: null,
    additional_output: null,
    is_last: false,
    extensions: requestExtensions(body.function_results ?? [], body.declined_secrets ?? []),
    owner: principal.id,
    created_at: new Date().toISOString(),
  };
}

/** The request a recorded step was made with (to run it after a restart). */
export function bodyOf(step: StepRecord): RequestBody {
  const ext = step.extensions as
    { function_results?: FunctionResultInput[]; declined_secrets?: string[] } | undefined;
  return {
    input: step.input,
    additional_input: step.additional_input,
    function_results: ext?.function_results,
    declined_secrets: ext?.declined_secrets,
  };
}

/** The extension fields of a step request, echoed on the step like its input. */
function requestExtensions(
  answers: FunctionResultInput[],
  declines: string[],
): Record<string, unknown> | undefined {
  if (answers.length === 0 && declines.length === 0) return undefined;
  return {
    ...(answers.length > 0 ? { function_results: answers } : {}),
    ...(declines.length > 0 ? { declined_secrets: declines } : {}),
  };
}
