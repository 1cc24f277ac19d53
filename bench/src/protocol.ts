/** The IPC messages between the bench (parent) and a server child. */

export type ServerKind = 'adapter' | 'bare';
export type StoreKind = 'memory' | 'sqlite';

export interface ChildConfig {
  server: ServerKind;
  /** The adapter's store; the bare server always keeps records in memory. */
  store: StoreKind;
  /** Tasks to create before reporting ready. */
  seed: number;
  dataDir: string;
}

export type Command = 'cpu' | 'rss-reset' | 'rss-peak' | 'exit';

export interface Request {
  id: number;
  command: Command;
}

export interface CpuSample {
  /** Microseconds of user + system CPU since the child started. */
  micros: number;
}

export interface RssSample {
  /** RSS in bytes when the sampling window was reset (after a GC). */
  baseline: number;
  /** Highest RSS sampled since, in bytes (sampled every 20 ms and on every message). */
  peak: number;
}

export type ChildMessage =
  { type: 'ready'; port: number; seedMs: number } | { type: 'reply'; id: number; value: unknown };
