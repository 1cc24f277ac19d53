import { PassThrough } from 'node:stream';
import type { CoreResponse } from '../http/types.js';
import type { StepEventRecord } from '../store/types.js';
import { TERMINAL_EVENT, type StepEvents } from './events.js';

export interface SseOptions {
  /** A comment line at least this often while nothing else is sent. */
  keepAliveMs: number;
  /**
   * Bytes a subscriber may leave unread before it is dropped (its stream ends; it reconnects
   * with `Last-Event-ID` and replays from the log): a stalled reader never grows memory unbounded.
   */
  maxBufferedBytes: number;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

export function formatEvent(record: StepEventRecord): string {
  return `id: ${record.id}\nevent: ${record.event}\ndata: ${record.data}\n\n`;
}

/**
 * One subscriber's stream of a step: the logged events after `after`, then the live ones, each
 * once, ending after the terminal `step.completed`. `replay` reads the log (or rebuilds it) and
 * says whether the step had finished when it was read.
 */
export function streamStep(
  events: StepEvents,
  stepId: string,
  after: number,
  replay: () => Promise<{ records: StepEventRecord[]; finished: boolean }>,
  options: SseOptions,
  extraHeaders: Record<string, string> = {},
): CoreResponse {
  const out = new PassThrough();
  let last = after;
  let done = false;
  /** Live events that arrive while the log is replayed, and their size. */
  let queued: StepEventRecord[] | undefined = [];
  let queuedBytes = 0;

  const stop = () => {
    done = true;
    clearInterval(keepAlive);
    unsubscribe();
  };
  const finish = () => {
    if (done) return;
    stop();
    out.end();
  };
  /** Dropped, not buffered without bound: the client resumes from the durable log. */
  const drop = () => {
    if (done) return;
    stop();
    out.destroy();
  };
  /** Writes one event; false when the reader is behind (the caller waits or drops it). */
  const send = (record: StepEventRecord): boolean => {
    if (done || record.id <= last) return true;
    last = record.id;
    const fits = out.write(formatEvent(record));
    if (record.event === TERMINAL_EVENT) finish();
    return fits;
  };
  const unsubscribe = events.subscribe(stepId, {
    onEvent: (record) => {
      if (queued) {
        queued.push(record);
        queuedBytes += record.data.length;
        if (queuedBytes > options.maxBufferedBytes) drop();
      } else {
        send(record);
        if (out.writableLength > options.maxBufferedBytes) drop();
      }
    },
    onEnd: () => finish(),
  });
  const keepAlive = setInterval(() => {
    if (!done) out.write(': keep-alive\n\n');
  }, options.keepAliveMs);
  keepAlive.unref();
  // A client that goes away stops the subscription.
  out.on('close', stop);

  /** Resolves when the reader has caught up, or is gone. */
  const drained = () =>
    new Promise<void>((resolve) => {
      const settle = () => {
        out.off('drain', settle).off('close', settle);
        resolve();
      };
      out.on('drain', settle).on('close', settle);
    });

  /** The log is replayed at the reader's pace (it is on disk: nothing to drop). */
  const replayAll = async () => {
    const { records, finished } = await replay();
    for (const record of records) {
      if (!send(record) && !done) await drained();
      if (done) return;
    }
    while (queued && queued.length > 0 && !done) {
      const batch = queued;
      queued = [];
      queuedBytes = 0;
      for (const record of batch) {
        if (!send(record) && !done) await drained();
      }
    }
    queued = undefined;
    // A finished step replayed from past its last event: nothing more will come.
    if (finished) finish();
  };
  void replayAll().catch(() => drop());
  return {
    status: 200,
    headers: { ...SSE_HEADERS, ...extraHeaders },
    body: { kind: 'stream', stream: out },
  };
}
