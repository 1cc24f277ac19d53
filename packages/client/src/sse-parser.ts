/** One dispatched server-sent event. */
export interface SseMessage {
  /** The `id` field of this event's block; undefined when it had none. */
  id: string | undefined;
  /** The `event` field; `message` when the block had none. */
  event: string;
  /** The `data` lines, joined with `\n`. */
  data: string;
}

/**
 * An incremental `text/event-stream` parser after the WHATWG rules: lines end with CRLF, LF or
 * CR; `:` starts a comment (a keep-alive); `field: value` with one leading space stripped;
 * `data` lines join with `\n`; an empty line dispatches; a block without data is not an event.
 * `retry` is kept (the server's reconnection delay, in ms).
 */
export class SseParser {
  /** The last `retry:` the server sent, in milliseconds. */
  retry: number | undefined;
  private buffer = '';
  private started = false;
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  /** Feeds decoded text; answers the events it completed. */
  push(text: string): SseMessage[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line, messages);
    }
    return messages;
  }

  private line(line: string, messages: SseMessage[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        messages.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
      }
      this.data = [];
      this.event = '';
      this.id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}
