import type { Artifact, Step, Task } from './agent.js';
import type { ArtifactRecord, StepRecord, TaskRecord } from './store/types.js';

/** Stored records to their wire shapes (the spec's generated types). */

export function toArtifact(record: ArtifactRecord): Artifact {
  return {
    artifact_id: record.artifact_id,
    agent_created: record.agent_created,
    file_name: record.file_name,
    relative_path: record.relative_path,
  };
}

export function toTask(record: TaskRecord, artifacts: ArtifactRecord[]): Task {
  const task: Task = {
    task_id: record.task_id,
    input: record.input,
    additional_input: record.additional_input ?? {},
    artifacts: artifacts.map(toArtifact),
  };
  if (record.client_functions) task.client_functions = record.client_functions;
  return task;
}

export function toStep(record: StepRecord, artifacts: ArtifactRecord[]): Step {
  return {
    task_id: record.task_id,
    step_id: record.step_id,
    name: record.name,
    status: record.status,
    input: record.input,
    additional_input: record.additional_input ?? {},
    output: record.output,
    additional_output: record.additional_output,
    artifacts: artifacts.map(toArtifact),
    is_last: record.is_last,
    ...(record.extensions ?? {}),
    ...(record.outcome ? { outcome: record.outcome } : {}),
    ...(record.error ? { error: record.error } : {}),
  } as Step;
}
