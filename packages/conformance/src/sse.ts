/**
 * A small Server-Sent Events client for the fixture, over `fetch` streams (no dependency): what a
 * browser's `EventSource` does, minus the reconnecting, plus what a conformance check needs to
 * see (comments, the response headers, when each event arrived, who ended the stream).
 *
 * The parser follows the WHATWG HTML "event stream interpretation": lines end with CRLF, LF or
 * CR; a line starting with `:` is a comment; `field: value` (one leading space stripped);
 * `data` lines are joined with `\n`; an empty line dispatches the event; an event without data is
 * not dispatched; a leading byte order mark is ignored.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `id` field of this event's block, as sent; undefined when the block had none. */
  id: string | undefined;
  /**
   * The last event id after this event, as `EventSource` keeps it (an `id` carries over to later
   * events that have none): what a reconnecting client would send as `Last-Event-ID`.
   */
  lastEventId: string;
  /** The `event` field; `message` when the block had none (as `EventSource` says). */
  event: string;
  /** The `data` lines, joined with `\n`. */
  data: string;
  /** Milliseconds from sending the request to the arrival of the chunk that completed the event. */
  at: number;
  /** `performance.now()` at that arrival: comparable across readers in one process. */
  time: number;
}

/** One comment line (`: keep-alive`), without its leading colon and one space. */
export interface SseComment {
  text: string;
  at: number;
  time: number;
  /** How many events had been dispatched before it. */
  afterEvents: number;
}

/** How reading ended. */
export type SseStop =
  /** The server ended the response (the stream is done). */
  | 'server'
  /** `until` matched: the client closed the connection. */
  | 'until'
  /** `timeoutMs` passed: the client closed the connection. */
  | 'timeout'
  /** No response, or the connection broke (`error` says how). */
  | 'error';

export interface SseRead {
  /** 0 when no response arrived (see `error`). */
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  events: SseEvent[];
  comments: SseComment[];
  /** True when the server ended the response body (and nothing else stopped reading first). */
  closedByServer: boolean;
  stoppedBy: SseStop;
  /** Everything the body held, decoded (for a JSON error answer, or a leak check). */
  text: string;
  /** The parsed body when the response was JSON (an error instead of a stream), else undefined. */
  json: unknown;
  /** `performance.now()` when the request was sent: `time - at` for every event and comment. */
  sentAt: number;
  /** Milliseconds from sending the request to the response headers; undefined without a response. */
  headersAt: number | undefined;
  /** Milliseconds from sending the request to when reading stopped. */
  elapsed: number;
  error?: string;
}

export interface ReadEventsOptions {
  /** @default 'GET' */
  method?: string;
  /**
   * Request headers. `accept: text/event-stream` is added unless an `accept` header is given
   * (`EventSource` sends it too).
   */
  headers?: Record<string, string>;
  /** Sent as the JSON body (with `content-type: application/json` unless given). */
  json?: unknown;
  /** Called with every event as it is dispatched, and every event so far (it may start work). */
  onEvent?: (event: SseEvent, events: readonly SseEvent[]) => void;
  /** Stop reading (and close the connection) once this returns true for a dispatched event. */
  until?: (event: SseEvent, events: readonly SseEvent[]) => boolean;
  /** Stop reading (and close the connection) after this long. @default 15000 */
  timeoutMs?: number;
}

/** What the parser yields: dispatched events and comments, in stream order. */
export type SseItem =
  | { kind: 'event'; id: string | undefined; lastEventId: string; event: string; data: string }
  | { kind: 'comment'; text: string };

/** An incremental event-stream parser: `push` decoded text as it comes, `end` at the end. */
export class SseParser {
  private buffer = '';
  private started = false;
  private data: string[] = [];
  private eventType = '';
  private blockId: string | undefined;
  private lastEventId = '';

  push(text: string): SseItem[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    return this.drain(false);
  }

  /** The stream ended: a final line without its terminator is processed; an undispatched event is dropped (as the standard says). */
  end(): SseItem[] {
    const items = this.drain(true);
    this.data = [];
    this.eventType = '';
    this.blockId = undefined;
    return items;
  }

  private drain(final: boolean): SseItem[] {
    const items: SseItem[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (!final && match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line, items);
    }
    if (final && this.buffer !== '') {
      const line = this.buffer;
      this.buffer = '';
      this.line(line, items);
    }
    return items;
  }

  private line(line: string, items: SseItem[]): void {
    if (line === '') {
      this.dispatch(items);
      return;
    }
    if (line.startsWith(':')) {
      const text = line.slice(1);
      items.push({ kind: 'comment', text: text.startsWith(' ') ? text.slice(1) : text });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.blockId = value;
          this.lastEventId = value;
        }
        break;
      default:
        // `retry` and unknown fields: nothing the fixture needs.
        break;
    }
  }

  private dispatch(items: SseItem[]): void {
    const hadData = this.data.length > 0;
    const item: SseItem = {
      kind: 'event',
      id: this.blockId,
      lastEventId: this.lastEventId,
      event: this.eventType === '' ? 'message' : this.eventType,
      data: this.data.join('\n'),
    };
    this.data = [];
    this.eventType = '';
    this.blockId = undefined;
    if (hadData) items.push(item);
  }
}

/** Parses a whole event stream at once (a body already read to its end). */
export function parseEventStream(text: string): SseItem[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? '';
  return `${(error as Error).message}${detail ? ` (${detail})` : ''}`;
}

/**
 * Opens an event stream and reads it until the server ends it, `until` matches or `timeoutMs`
 * passes (then the client closes the connection, as a client that goes away does). Never throws:
 * a failed request is `stoppedBy: 'error'` with `status: 0`. A response that is not an event
 * stream (a JSON error) is read whole into `text` and `json`.
 */
export async function readEvents(url: string, options: ReadEventsOptions = {}): Promise<SseRead> {
  const headers: Record<string, string> = { ...options.headers };
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (!has('accept')) headers.accept = 'text/event-stream';
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!has('content-type')) headers['content-type'] = 'application/json';
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs ?? 15_000);

  const sentAt = performance.now();
  const read: SseRead = {
    status: 0,
    headers: {},
    events: [],
    comments: [],
    closedByServer: false,
    stoppedBy: 'error',
    text: '',
    json: undefined,
    sentAt,
    headersAt: undefined,
    elapsed: 0,
  };
  const parser = new SseParser();
  let stop = false;
  const take = (items: SseItem[], time: number) => {
    for (const item of items) {
      if (stop) return;
      if (item.kind === 'comment') {
        read.comments.push({
          text: item.text,
          at: time - sentAt,
          time,
          afterEvents: read.events.length,
        });
        continue;
      }
      const event: SseEvent = {
        id: item.id,
        lastEventId: item.lastEventId,
        event: item.event,
        data: item.data,
        at: time - sentAt,
        time,
      };
      read.events.push(event);
      options.onEvent?.(event, read.events);
      if (options.until?.(event, read.events)) stop = true;
    }
  };

  try {
    const response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    read.status = response.status;
    read.headersAt = performance.now() - sentAt;
    response.headers.forEach((value, key) => {
      read.headers[key] = value;
    });
    const isJson = /json/i.test(read.headers['content-type'] ?? '');
    const decoder = new TextDecoder();
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        const time = performance.now();
        if (done) {
          const rest = decoder.decode();
          read.text += rest;
          if (!isJson) take([...parser.push(rest), ...parser.end()], time);
          read.closedByServer = !stop;
          read.stoppedBy = stop ? 'until' : 'server';
          break;
        }
        const text = decoder.decode(value, { stream: true });
        read.text += text;
        if (!isJson) take(parser.push(text), time);
        if (stop) {
          read.stoppedBy = 'until';
          controller.abort();
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
    } else {
      read.closedByServer = true;
      read.stoppedBy = 'server';
    }
    if (isJson) {
      try {
        read.json = JSON.parse(read.text);
      } catch {
        read.json = undefined;
      }
    }
  } catch (error) {
    if (timedOut) read.stoppedBy = 'timeout';
    else {
      read.stoppedBy = 'error';
      read.error = describeError(error);
    }
  } finally {
    clearTimeout(timer);
    read.elapsed = performance.now() - sentAt;
  }
  return read;
}

/** One line saying how a read went, for failure messages. */
export function describeRead(read: SseRead): string {
  const events = read.events
    .map((e) => `${e.id ?? '-'}:${e.event}@${Math.round(e.at)}ms ${e.data.slice(0, 120)}`)
    .join(' | ');
  return (
    `status ${read.status || read.error}, ${read.headers['content-type'] ?? 'no content-type'}, ` +
    `stopped by ${read.stoppedBy} after ${Math.round(read.elapsed)} ms, ` +
    `${read.events.length} event(s): ${events || '(none)'}` +
    (read.comments.length > 0 ? `, ${read.comments.length} comment(s)` : '') +
    (read.events.length === 0 && read.text ? `, body ${read.text.slice(0, 300)}` : '')
  );
}
