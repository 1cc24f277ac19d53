import type { Replica } from './replicas.js';

/** One server-sent event of a step, and when this process received it. */
export interface ReceivedEvent {
  id: number;
  event: string;
  data: unknown;
  /** `performance.now()` on arrival. */
  at: number;
}

/** The events of a `text/event-stream` body, as they arrive (keep-alive comments skipped). */
async function* parseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ReceivedEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const fields: Record<string, string> = {};
        for (const line of buffer.slice(0, end).split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
        }
        buffer = buffer.slice(end + 2);
        if (fields.event) {
          yield {
            id: Number(fields.id),
            event: fields.event,
            data: JSON.parse(fields.data ?? 'null'),
            at: performance.now(),
          };
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
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
  const path = `/ap/v1/agent/tasks/${taskId}/steps/${stepId}/events`;
  const response = await fetch(`${replica.baseUrl}${path}`);
  if (response.status !== 200 || !response.body) {
    throw new Error(
      `GET ${path} on ${replica.name} answered ${response.status}: ${await response.text()}`,
    );
  }
  const events: ReceivedEvent[] = [];
  for await (const event of parseEvents(response.body)) {
    events.push(event);
    onEvent(event);
  }
  return events;
}
