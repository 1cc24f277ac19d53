import { request, type Agent, type IncomingMessage } from 'node:http';

/**
 * The `streams` comparison's clients, on plain `node:http`: a JSON request, and an SSE
 * subscriber that parses `id` / `event` / `data` as they arrive. Without an agent every request
 * has a socket of its own (`Connection: close`), so the server's open connections are exactly the
 * subscribers still connected.
 */

export interface JsonAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** One request with a JSON body (or none); resolves with the parsed answer, whatever its status. */
export function json(
  url: string,
  method: 'GET' | 'POST',
  body?: unknown,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
          } catch {
            reject(new Error(`${method} ${url}: ${res.statusCode} answered ${text.slice(0, 200)}`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `json`, failing unless the status is the one expected. */
export async function expectJson<T>(
  status: number,
  url: string,
  method: 'GET' | 'POST',
  body?: unknown,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<{ body: T; headers: IncomingMessage['headers'] }> {
  const answer = await json(url, method, body, headers, agent);
  if (answer.status !== status)
    throw new Error(
      `${method} ${url}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  return { body: answer.body as T, headers: answer.headers };
}

export interface SseEvent {
  id: number;
  event: string;
  /** The `data` field as sent (JSON text). */
  data: string;
}

/** How a subscription ended: the server finished the response (`end`) or cut it (`aborted`). */
export type SseEnd = 'end' | 'aborted';

/**
 * One subscriber of `GET …/steps/{step_id}/events`. Events are handed to `onEvent` as soon as
 * their blank line arrives; a partial event at the end of a cut connection is never delivered.
 */
export class SseSubscriber {
  /** Resolves once the answer's headers are in (the server has subscribed it by then). */
  readonly opened: Promise<void>;
  /** Resolves when the response is over, with how it ended. */
  readonly closed: Promise<SseEnd>;
  /** Bytes of the body received so far. */
  bytes = 0;
  private res: IncomingMessage | undefined;
  private buffer = '';
  private scanFrom = 0;

  constructor(
    url: string,
    onEvent: (event: SseEvent) => void,
    options: { lastEventId?: number; paused?: boolean } = {},
  ) {
    let opened!: () => void;
    let failed!: (error: Error) => void;
    let closed!: (end: SseEnd) => void;
    this.opened = new Promise((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    this.closed = new Promise((resolve) => (closed = resolve));
    const req = request(
      url,
      {
        agent: false,
        headers: {
          accept: 'text/event-stream',
          ...(options.lastEventId === undefined
            ? {}
            : { 'last-event-id': String(options.lastEventId) }),
        },
      },
      (res) => {
        this.res = res;
        if (
          res.statusCode !== 200 ||
          !res.headers['content-type']?.startsWith('text/event-stream')
        ) {
          failed(new Error(`GET ${url}: ${res.statusCode} ${res.headers['content-type']}`));
          res.resume();
          return;
        }
        // Never read: the socket stops being read once Node's small buffers are full.
        if (options.paused) res.pause();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          this.bytes += Buffer.byteLength(chunk);
          this.parse(chunk, onEvent);
        });
        res.on('error', () => undefined); // `aborted`: seen on close
        res.on('close', () => closed(res.complete ? 'end' : 'aborted'));
        opened();
      },
    );
    req.on('error', (error) => {
      failed(error);
      closed('aborted');
    });
    req.end();
  }

  /** Starts (or resumes) reading what the server sent. */
  resume(): void {
    this.res?.resume();
  }

  private parse(chunk: string, onEvent: (event: SseEvent) => void): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf('\n\n', this.scanFrom);
      if (end === -1) {
        // A big event arrives in many chunks: scan only what is new next time.
        this.scanFrom = Math.max(0, this.buffer.length - 1);
        return;
      }
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.scanFrom = 0;
      let id = NaN;
      let event = 'message';
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a comment (`: keep-alive`)
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value =
          colon === -1 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
        if (field === 'id') id = Number(value);
        else if (field === 'event') event = value;
        else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
      }
      if (data !== undefined) onEvent({ id, event, data });
    }
  }
}
