/** The IPC messages between the bench (parent) and a server child. */

/** Every server the bench can run, one file each under `src/servers/`. */
export const SERVER_KINDS = [
  'express-adapter',
  'express-bare',
  'koa-adapter',
  'koa-bare',
  'nest-adapter',
  'nest-bare',
  'node-adapter',
  'node-raw',
  'express-example',
  'upstream-sdk',
  'node-reference',
  'node-flood',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
export type StoreKind = 'memory' | 'sqlite' | 'postgres';

/** Where a child's PostgresStore lives (`--only postgres`): the run's own database. */
export interface PostgresConfig {
  connectionString: string;
  /** Each deployment its own schema, so deployments sharing the database never see each other. */
  schema: string;
  /** The secrets key (32 bytes, base64): a shared store requires one, the same in every replica. */
  secretsKey: string;
}

export interface ChildConfig {
  server: ServerKind;
  /**
   * The adapter's store; the bare servers (and upstream's SDK) always keep records in memory, and
   * the Express example and the `streams` servers always run on the default store (SqliteStore
   * in `dataDir`).
   */
  store: StoreKind;
  /** With `store: 'postgres'`: its database, schema and secrets key. */
  postgres?: PostgresConfig;
  /** Tasks to create in-process (no HTTP) before reporting ready. */
  seed: number;
  /** Adapters only: bearer auth (`src/auth.ts`); seeded tasks then belong to its principal. */
  auth: boolean;
  dataDir: string;
}

export type Command =
  'cpu' | 'rss-reset' | 'rss-peak' | 'connections' | 'profile-start' | 'profile-stop' | 'exit';

export interface Request {
  id: number;
  command: Command;
  /** `profile-stop`: where to write the profile (`.cpuprofile` JSON). */
  file?: string;
}

export interface CpuSample {
  /** Microseconds of user + system CPU since the child started. */
  micros: number;
}

/** `process.memoryUsage()` without RSS: the V8 heap and the memory outside it, bytes. */
export interface MemoryBreakdown {
  heapUsed: number;
  heapTotal: number;
  /** C++ objects bound to JavaScript ones, Buffers' memory included. */
  external: number;
  /** Of `external`: ArrayBuffers and Buffers. */
  arrayBuffers: number;
}

export interface RssSample {
  /** RSS in bytes when the sampling window was reset (after a GC). */
  baseline: number;
  /** Highest RSS sampled since, in bytes (sampled every 20 ms and on every message). */
  peak: number;
  /** The heap and Buffers at the baseline and when the peak was sampled. */
  usage: { baseline: MemoryBreakdown; peak: MemoryBreakdown };
}

/** How many seeded task ids a child reports: the pool the get/step scenarios cycle through. */
export const POOL = 256;

export type ChildMessage =
  | { type: 'ready'; port: number; seedMs: number; ids: string[] }
  | { type: 'reply'; id: number; value: unknown };
