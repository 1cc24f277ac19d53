import { AgentProtocolError } from '../errors.js';
import type { StepRecord, StepStatus } from '../store/types.js';

/**
 * The step's state machine, written once: every store and adapter goes through it. `status`
 * keeps upstream's three values (its generated clients reject others); how a completed step
 * ended is its `outcome`.
 */
const ALLOWED: Record<StepStatus, readonly StepStatus[]> = {
  created: ['running', 'completed'], // completed without running: cancelled while queued
  running: ['completed'],
  completed: [],
};

export function moveStep(step: StepRecord, to: StepStatus): void {
  if (!ALLOWED[step.status].includes(to)) {
    throw new Error(`A step cannot go from ${step.status} to ${to}.`);
  }
  step.status = to;
}

/** Completes a step with how it ended. */
export function completeStep(
  step: StepRecord,
  outcome: NonNullable<StepRecord['outcome']>,
  error?: StepRecord['error'],
): void {
  moveStep(step, 'completed');
  step.outcome = outcome;
  if (error) step.error = error;
  else delete step.error;
}

/** What a client learns of an agent's failure: that it failed, never why (the log has that). */
export const STEP_FAILED = {
  code: 'step_failed',
  message: 'The agent failed while executing the step. The task can take another step.',
} as const;

/** A step whose process died, or shut down, while it ran. */
export const INTERRUPTED = {
  code: 'interrupted',
  message: 'The server stopped while the step was running. The task can take another step.',
} as const;

/** What a failed step says: a deliberate AgentProtocolError as it is, anything else generically. */
export function failureOf(error: unknown): { code: string; message: string } {
  if (error instanceof AgentProtocolError) return { code: error.code, message: error.message };
  return { ...STEP_FAILED };
}
