import { randomUUID } from 'node:crypto';
import type { AgentDefinition, CreateArtifactInput, HandlerContext } from './agent.js';
import { assertArtifactLocation } from './artifact-paths.js';
import type { Principal } from './auth/types.js';
import type { ClientFunctions } from './client-functions.js';
import type { ArtifactFiles } from './store/artifact-files.js';
import type { Logger } from './logger.js';
import type { OAuthService } from './oauth/service.js';
import type { RunState } from './pause.js';
import { toArtifact } from './records.js';
import { handlerSecrets } from './secrets/handler-secrets.js';
import type { SecretsService } from './secrets/service.js';
import type { LiveStep } from './steps/runner.js';
import type { ArtifactRecord, TaskRecord } from './store/types.js';

/** What every handler context is built from. */
export interface HandlerDeps {
  agent: AgentDefinition;
  files: ArtifactFiles;
  secrets: SecretsService;
  functions: ClientFunctions;
  logger: Logger;
  oauth: OAuthService;
}

/** What a step's run knows of the task's history, and the step as it runs. */
export interface StepRun {
  resumed: boolean;
  /** No step of the task was recorded before. */
  first: boolean;
  /** Every secret key declined in the task so far. */
  declined: string[];
  live: LiveStep;
}

/**
 * The `ctx` a handler gets: for `onTask` (no step: `stepId` null, no run state) or `onStep`.
 * Artifacts it creates are collected in `created`, recorded by the caller with the step.
 */
export function handlerContext(
  deps: HandlerDeps,
  principal: Principal,
  config: Record<string, unknown>,
  task: TaskRecord,
  stepId: string | null,
  created: ArtifactRecord[],
  state: RunState | undefined,
  run?: StepRun,
): HandlerContext {
  const prefix = `[task ${task.task_id}${stepId ? ` step ${stepId}` : ''}]`;
  const needsStep = (what: string) =>
    new Error(`${what} can only pause a step, not task creation.`);
  return {
    principal,
    config,
    resumed: run?.resumed ?? false,
    firstStep: run?.first ?? false,
    output: { write: (text) => (run ? run.live.write(text) : Promise.resolve()) },
    signal: run?.live.controller.signal ?? new AbortController().signal,
    log: {
      info: (message) => deps.logger.info(`${prefix} ${message}`),
      error: (message, error) => deps.logger.error(`${prefix} ${message}`, error),
    },
    secrets: handlerSecrets({
      secrets: deps.secrets,
      principal,
      declared: deps.agent.secrets ?? {},
      declined: new Set(run?.declined),
      state,
    }),
    oauth: deps.oauth.forRun(principal, { state, taskId: task.task_id, stepId }),
    functions: {
      available: (name) => task.client_functions?.includes(name) ?? false,
      // Not `async`: the call must register before the first await, so calls made together
      // (Promise.all) pause together.
      call: (name, args) => {
        try {
          if (!task.client_functions?.includes(name)) {
            throw new Error(
              `The client of this task did not opt in to '${name}' (see ctx.functions.available).`,
            );
          }
          deps.functions.assertArguments(name, args);
          if (!state) throw needsStep('ctx.functions.call');
          return Promise.resolve(state.call(name, args));
        } catch (error) {
          return Promise.reject(error);
        }
      },
    },
    artifacts: {
      create: async (input: CreateArtifactInput) => {
        const relativePath = input.relativePath ?? null;
        assertArtifactLocation(input.fileName, relativePath);
        const artifactId = randomUUID();
        const size = await deps.files.write(artifactId, input.data);
        const record: ArtifactRecord = {
          artifact_id: artifactId,
          task_id: task.task_id,
          step_id: stepId,
          agent_created: true,
          file_name: input.fileName,
          relative_path: relativePath,
          size,
          created_at: new Date().toISOString(),
        };
        created.push(record);
        return toArtifact(record);
      },
    },
  };
}
