import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AgentDefinition,
  AgentProtocolLimits,
  AuthOptions,
  Logger,
} from '@agent-protocol/core';
import {
  CONFORMANCE_LIMITS,
  CONFORMANCE_SHUTDOWN_GRACE_MS,
  CONFORMANCE_STREAMS,
} from './limits.js';
import { createReferenceAgent } from './reference-agent.js';

/**
 * What the fixture asks an adapter to start. Every field is an option of the core's
 * `createAgentProtocol`: a start function hands the whole object on (`agentRouter({ ...options })`),
 * never a pick of the fields it knows today, so options added later (like `auth`) reach the server.
 */
export interface StartOptions {
  /** An empty directory for the server's store and artifacts. The fixture removes it afterwards. */
  dataDir: string;
  /** The limits the cases are written against (`CONFORMANCE_LIMITS`). */
  limits: Required<AgentProtocolLimits>;
  /** Step event streams: a short keep-alive (`CONFORMANCE_STREAMS`). */
  streams: { keepAliveMs: number };
  /**
   * How long running steps may finish when the server closes, before they are interrupted
   * (`CONFORMANCE_SHUTDOWN_GRACE_MS`).
   */
  shutdownGraceMs: number;
  /**
   * The agent to serve: a fresh reference agent per server. Serving the shared `referenceAgent`
   * instead works too; a server in another language serves its own port of it.
   */
  agent: AgentDefinition;
  /**
   * Who may call and how they prove it. Absent for the protocol cases (no auth: everything belongs
   * to one anonymous principal); set by each auth case group and by the auth scenarios.
   */
  auth?: AuthOptions;
  /**
   * Where the server writes its log lines (the core's `Logger`: `info(message)`,
   * `error(message, error?)`). Absent for most cases; set by the scenarios that read the log: the
   * secret scenarios grep every line for a stored value. A server in another language forwards
   * its log lines (stdout, stderr) here.
   */
  logger?: Logger;
}

/** How `withServer` starts its server, beyond what every server gets. */
export interface WithServerOptions {
  /** Passed to `start` as `auth` (on every restart too). */
  auth?: AuthOptions;
  /**
   * Give the server a logger that captures every line (`Harness.log`), across restarts.
   * @default false (no `logger` in the start options)
   */
  captureLog?: boolean;
}

export interface RunningServer {
  /** Where the protocol is served, without a trailing slash: `http://127.0.0.1:PORT` (or a prefix). */
  baseUrl: string;
  /** Stops accepting requests, closes open connections and the store. */
  close(): Promise<void>;
  /**
   * For a store that keeps its data outside the data dir (a database server): writes everything
   * it stores, as it is stored, into files under the data dir, so the checks that read the data
   * dir (no secret in plain text) read the store too. Absent: the data dir is the store.
   */
  dumpStore?(): Promise<void>;
}

/** Starts one server of the adapter under test. Bind 127.0.0.1, port 0. */
export type StartServer = (options: StartOptions) => Promise<RunningServer>;

/** A running server in a temporary directory of its own, which a scenario may restart. */
export interface Harness {
  readonly baseUrl: string;
  readonly dataDir: string;
  /**
   * Every line the server logged (info and error, an error's detail appended), in order, across
   * restarts. Empty unless the server was started with `captureLog`.
   */
  readonly log: readonly string[];
  /** Stops the server and starts a new one (with a fresh agent) on the same data dir. */
  restart(): Promise<void>;
  /** Brings the data dir up to date with what the store holds (see `RunningServer.dumpStore`). */
  dumpStore(): Promise<void>;
}

/** A logger that keeps every line, for the checks that read the log. */
function capturingLogger(lines: string[]): Logger {
  return {
    info: (message) => void lines.push(message),
    error: (message, error) =>
      void lines.push(
        error === undefined
          ? message
          : `${message} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
  };
}

/**
 * Runs `work` against a fresh server in a fresh temporary directory, then stops the server and
 * removes the directory. The data dir is `<root>/data`; afterwards `<root>` must hold nothing
 * else, or the server wrote outside its data dir.
 */
export async function withServer<T>(
  start: StartServer,
  work: (harness: Harness) => Promise<T>,
  options: WithServerOptions = {},
): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'ap-conformance-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  let server: RunningServer | undefined;
  // No `auth` key at all without auth: a server that forwards the options whole gets exactly what
  // it got before auth existed.
  const auth = options.auth ? { auth: options.auth } : {};
  const log: string[] = [];
  const logger = options.captureLog ? { logger: capturingLogger(log) } : {};
  const launch = () =>
    start({
      dataDir,
      limits: { ...CONFORMANCE_LIMITS },
      streams: { ...CONFORMANCE_STREAMS },
      shutdownGraceMs: CONFORMANCE_SHUTDOWN_GRACE_MS,
      agent: createReferenceAgent(),
      ...auth,
      ...logger,
    });
  try {
    server = await launch();
    const harness: Harness = {
      get baseUrl() {
        return server!.baseUrl.replace(/\/$/, '');
      },
      dataDir,
      log,
      async restart() {
        const running = server;
        server = undefined;
        await running?.close();
        server = await launch();
      },
      async dumpStore() {
        await server?.dumpStore?.();
      },
    };
    const result = await work(harness);
    const stray = (await readdir(root)).filter((name) => name !== 'data');
    if (stray.length > 0)
      throw new Error(`The server wrote outside its data dir: ${stray.join(', ')}`);
    return result;
  } finally {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  }
}
