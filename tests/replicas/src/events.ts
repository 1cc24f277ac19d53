import { createClient } from '@agent-protocol/client';
import type { Replica } from './replicas.js';

/** One server-sent event of a step, and when this process received it. */
export interface ReceivedEvent {
  id: number;
  event: string;
  data: unknown;
  /** `performance.now()` on arrival. */
  at: number;
}

/**
 * Follows a step's events on one replica (`GET .../steps/{step_id}/events`) until the server
 * closes the stream, calling `onEvent` as each arrives; resolves with all of them.
 */
export async function followStep(
  replica: Replica,
  taskId: string,
  stepId: string,
  onEvent: (event: ReceivedEvent) => void = () => undefined,
): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  // The typed client's stream: it ends after the step's last event (and would resume with
  // Last-Event-ID on a dropped connection).
  for await (const e of createClient({ baseUrl: replica.baseUrl }).steps.events(taskId, stepId)) {
    const event = {
      id: Number(e.id),
      event: e.event,
      data: e.data as unknown,
      at: performance.now(),
    };
    events.push(event);
    onEvent(event);
  }
  return events;
}
