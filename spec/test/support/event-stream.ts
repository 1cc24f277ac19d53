// Reading `text/event-stream` text (the SSE wire format of the HTML Living Standard) in tests:
// the stream examples of the spec are parsed into events and checked against `StepEvent`.

export interface ParsedEvent {
  /** The `id:` field, as sent (a string on the wire). */
  id: string | undefined;
  /** The `event:` field. */
  event: string | undefined;
  /** The `data:` lines, joined with newlines. */
  data: string;
}

export interface ParsedStream {
  events: ParsedEvent[];
  /** The text of each comment line (`: keep-alive` gives `keep-alive`). */
  comments: string[];
  /** Whether fields came after the last blank line: an event left undispatched (and dropped). */
  undispatched: boolean;
}

/**
 * Splits a stream into its events and comments as an `EventSource` would (a field is
 * `name: value` or `name:value`; a blank line dispatches the event; `\r\n`, `\r` and `\n` all end
 * a line). An event not yet dispatched at the end of the text is dropped, as a browser does.
 */
export function parseEventStream(text: string): ParsedStream {
  const events: ParsedEvent[] = [];
  const comments: string[] = [];
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  let pending = false;
  const lines = text.split(/\r\n|\r|\n/);
  // The text after the last line break is an unfinished line.
  lines.pop();
  for (const line of lines) {
    if (line === '') {
      if (pending) {
        events.push({ id: current.id, event: current.event, data: current.data.join('\n') });
      }
      current = { data: [] };
      pending = false;
      continue;
    }
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trimStart());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') current.id = value;
    else if (field === 'event') current.event = value;
    else if (field === 'data') current.data.push(value);
    else continue;
    pending = true;
  }
  return { events, comments, undispatched: pending || (text.length > 0 && !/[\r\n]$/.test(text)) };
}
