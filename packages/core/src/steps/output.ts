import type { StepResult } from '../agent.js';
import type { LiveStep } from './runner.js';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** A handler's return value as a result: an async iterable of text is written as it comes. */
export async function drain(returned: unknown, live: LiveStep): Promise<StepResult> {
  if (!isAsyncIterable(returned)) return (returned as StepResult | undefined) ?? {};
  for await (const chunk of returned) {
    if (live.controller.signal.aborted) break;
    await live.write(String(chunk));
  }
  return {};
}

/**
 * The final output: what was written, then what the handler returned where it does not repeat
 * it. The output deltas of a step always add up to its output.
 */
export function joinOutput(written: string, returned: string | null | undefined): string | null {
  if (returned == null || returned === written) return written || (returned ?? null);
  if (returned.startsWith(written)) return returned;
  return written + returned;
}
