import type { AgentProtocolClient } from '../client.js';
import { AgentProtocolClientError } from '../errors.js';
import type { Transport } from '../transport.js';
import type { Step, StepRequestBody } from '../types.js';
import type { RunEvent } from './types.js';

/** What the runner needs to send one step. */
export interface StepContext {
  client: AgentProtocolClient;
  transport: Transport;
  taskId: string;
  /** Background steps followed through their events (the server says it can), else v1 steps. */
  background: boolean;
  emit: (event: RunEvent) => void;
  signal: AbortSignal | undefined;
}

/** The step as it ended; `cancelled` when the run's signal stopped it (`step` unknown for a v1 step). */
export type SentStep =
  { step: Step; cancelled: false } | { step: Step | undefined; cancelled: true };

/** Cancels the step; one that completed meanwhile (409) is read as it is. */
async function cancelStep(client: AgentProtocolClient, taskId: string, stepId: string) {
  try {
    return await client.steps.cancel(taskId, stepId);
  } catch (error) {
    if (error instanceof AgentProtocolClientError && error.status === 409)
      return client.steps.get(taskId, stepId);
    throw error;
  }
}

/** A background step, its output streamed to `onEvent` as it comes. */
async function backgroundStep(context: StepContext, body: StepRequestBody): Promise<SentStep> {
  const { client, taskId, emit, signal } = context;
  // Not stopped by the signal: a step the server started must be known, to be cancelled.
  const started = await client.steps.start(taskId, body);
  const stepId = started.step_id;
  try {
    for await (const event of client.steps.events(taskId, stepId, signal ? { signal } : {})) {
      switch (event.event) {
        case 'step.running':
          emit({ type: 'step', step: event.data });
          break;
        case 'output.delta':
          emit({ type: 'output', stepId, text: event.data.text });
          break;
        case 'artifact.created':
          emit({ type: 'artifact', artifact: event.data });
          break;
        case 'step.completed':
          return { step: event.data, cancelled: false };
        default:
          break;
      }
    }
    // The stream always ends with step.completed; read the step should a server not say it.
    return { step: await client.steps.get(taskId, stepId), cancelled: false };
  } catch (error) {
    if (!signal?.aborted) throw error;
    return { step: await cancelStep(client, taskId, stepId), cancelled: true };
  }
}

/** A v1 step: the request waits for it; its whole output and artifacts are told at the end. */
async function synchronousStep(context: StepContext, body: StepRequestBody): Promise<SentStep> {
  const { transport, taskId, emit, signal } = context;
  let step: Step;
  try {
    step = await transport.call(
      'POST /ap/v1/agent/tasks/{task_id}/steps',
      () =>
        transport.api.POST('/ap/v1/agent/tasks/{task_id}/steps', {
          params: { path: { task_id: taskId } },
          body,
          ...(signal && { signal }),
        }),
      { signal },
    );
  } catch (error) {
    // A v1 step cannot be cancelled (its id is not known before it ends): the run just stops.
    if (signal?.aborted) return { step: undefined, cancelled: true };
    throw error;
  }
  if (step.output) emit({ type: 'output', stepId: step.step_id, text: step.output });
  for (const artifact of step.artifacts ?? []) emit({ type: 'artifact', artifact });
  return { step, cancelled: false };
}

/** Sends one step the way the server supports. */
export function sendStep(context: StepContext, body: StepRequestBody): Promise<SentStep> {
  return context.background ? backgroundStep(context, body) : synchronousStep(context, body);
}
