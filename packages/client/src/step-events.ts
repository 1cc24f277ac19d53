import { AgentProtocolClientError, isAbort } from './errors.js';
import { sleep } from './sleep.js';
import { SseParser } from './sse-parser.js';
import type { Transport } from './transport.js';
import type { StepEvent } from './types.js';

/** Options of `steps.events`. */
export interface StepEventsOptions {
  /** Start after this event id (the events up to it are not sent again). */
  after?: number;
  /** Stops the iteration: it rejects with the signal's reason and the connection is closed. */
  signal?: AbortSignal;
}

const EVENT_NAMES = new Set<string>([
  'step.created',
  'step.running',
  'output.delta',
  'artifact.created',
  'step.paused',
  'step.completed',
]);

/** Consecutive attempts that bring no event before the iteration gives up. */
const MAX_FAILED_ATTEMPTS = 8;
const MAX_DELAY_MS = 5_000;

/** An answer worth connecting again for: none at all, the server busy or briefly away. */
const transient = (error: unknown) =>
  error instanceof AgentProtocolClientError &&
  (error.status === 0 || error.status === 429 || error.status >= 500);

/**
 * A step's events, from its stream (`GET …/steps/{step_id}/events`), up to `step.completed`.
 * When the connection drops before that, it connects again with `Last-Event-ID` set to the last
 * event seen, so the server replays only what came after: nothing missed, nothing twice (an id
 * already seen is skipped all the same). It waits between attempts (the server's `retry:`, else
 * 0.5 s doubling up to 5 s) and gives up after 8 attempts in a row that bring no event. A stream
 * the server ends with nothing after `after` ends the iteration when the step has completed.
 */
export async function* followStepEvents(
  transport: Transport,
  taskId: string,
  stepId: string,
  options: StepEventsOptions = {},
): AsyncGenerator<StepEvent, void, undefined> {
  const { signal } = options;
  let last = options.after;
  let failures = 0;
  let retry: number | undefined;
  const request = 'GET /ap/v1/agent/tasks/{task_id}/steps/{step_id}/events';

  for (;;) {
    signal?.throwIfAborted();
    // One controller per connection: it closes the connection when the consumer stops early.
    const controller = new AbortController();
    const forward = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', forward, { once: true });
    let progressed = false;
    /** The server ended the response (rather than the connection breaking). */
    let ended = false;
    let failure: unknown;
    try {
      const body = await transport.call(
        request,
        () =>
          transport.api.GET('/ap/v1/agent/tasks/{task_id}/steps/{step_id}/events', {
            params: {
              path: { task_id: taskId, step_id: stepId },
              ...(last !== undefined && { header: { 'Last-Event-ID': last } }),
            },
            headers: { Accept: 'text/event-stream' },
            parseAs: 'stream',
            signal: controller.signal,
          }),
        { signal: controller.signal },
      );
      if (body) {
        const parser = new SseParser();
        const decoder = new TextDecoder();
        const reader = body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            for (const message of parser.push(decoder.decode(value, { stream: true }))) {
              const id = Number(message.id);
              if (!Number.isInteger(id) || (last !== undefined && id <= last)) continue;
              last = id;
              progressed = true;
              // An event this client does not know yet (a newer server) is skipped, not fatal.
              if (!EVENT_NAMES.has(message.event)) continue;
              const event = { id, event: message.event, data: JSON.parse(message.data) };
              yield event as StepEvent;
              if (message.event === 'step.completed') return;
            }
          }
          retry = parser.retry ?? retry;
          ended = true;
        } finally {
          await reader.cancel().catch(() => undefined);
        }
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (isAbort(error) || !(transient(error) || error instanceof TypeError)) throw error;
      failure = error;
    } finally {
      signal?.removeEventListener('abort', forward);
      controller.abort();
    }
    // A stream that the server ended with nothing new: the step may have completed before
    // `last` (`after` its last event, or a step.completed this client saw in an earlier life).
    if (ended && !progressed) {
      const step = await transport.call(
        'GET /ap/v1/agent/tasks/{task_id}/steps/{step_id}',
        () =>
          transport.api.GET('/ap/v1/agent/tasks/{task_id}/steps/{step_id}', {
            params: { path: { task_id: taskId, step_id: stepId } },
            ...(signal && { signal }),
          }),
        { signal },
      );
      if (step.status === 'completed') return;
    }
    // The stream ended (or broke) before step.completed: connect again.
    failures = progressed ? 1 : failures + 1;
    if (failures > MAX_FAILED_ATTEMPTS) {
      throw new AgentProtocolClientError(
        `The events of step ${stepId} stopped before step.completed, ${MAX_FAILED_ATTEMPTS} attempts in a row.`,
        {
          status: failure instanceof AgentProtocolClientError ? failure.status : 0,
          cause: failure,
        },
      );
    }
    const backoff = Math.min(MAX_DELAY_MS, 500 * 2 ** (failures - 1));
    const wait =
      failure instanceof AgentProtocolClientError && failure.retryAfter !== undefined
        ? failure.retryAfter * 1000
        : (retry ?? backoff);
    await sleep(progressed ? Math.min(wait, 250) : wait, signal);
  }
}
