import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildConfig, ChildMessage, Command, CpuSample, RssSample } from './protocol.js';

const CHILD = fileURLToPath(new URL('./servers/child.ts', import.meta.url));
/** The bench's own directory, where `--import tsx` resolves, whatever directory the run started in. */
const BENCH = fileURLToPath(new URL('..', import.meta.url));
/** The bench's tsconfig (legacy decorators for Nest), named explicitly for tsx. */
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

/** A server running in its own child process, seen from the bench. */
export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
    readonly seedMs: number,
    /** The first seeded task ids (up to `POOL`), for the get and step scenarios. */
    readonly ids: string[],
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'reply') return;
      this.pending.get(message.id)?.resolve(message.value);
      this.pending.delete(message.id);
    });
    // A child that dies mid-run fails the run instead of leaving it waiting for a reply.
    child.on('exit', (code) => {
      for (const { reject } of this.pending.values())
        reject(new Error(`${name} exited with code ${code}`));
      this.pending.clear();
    });
  }

  static start(
    name: string,
    config: ChildConfig,
    extraNodeArgs: string[] = [],
  ): Promise<ServerProcess> {
    const child = fork(CHILD, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx', '--expose-gc', ...extraNodeArgs],
      // stdout to /dev/null: the request logs (the Express example's `consoleLogger`, upstream's
      // `console.log`) are written, as a server writes them, to a sink that costs the same on
      // every side and never the terminal. Errors still reach stderr.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      cwd: BENCH,
      env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${name} exited with code ${code} before it was ready`));
      child.once('exit', onExit);
      child.once('message', (message: ChildMessage) => {
        if (message.type !== 'ready') return reject(new Error(`${name}: unexpected first message`));
        child.off('exit', onExit);
        resolve(new ServerProcess(name, child, message.port, message.seedMs, message.ids));
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private request<T>(command: Command, file?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, command, ...(file === undefined ? {} : { file }) });
    });
  }

  /** Starts a CPU profile in the child (`--profile`: one per measurement). */
  async profileStart(): Promise<void> {
    await this.request('profile-start');
  }

  /** Stops the child's CPU profile and has it written to `file`. */
  async profileStop(file: string): Promise<void> {
    await this.request('profile-stop', file);
  }

  /** Total CPU time (user + system) the child has used so far, in µs. */
  async cpuMicros(): Promise<number> {
    return (await this.request<CpuSample>('cpu')).micros;
  }

  /** Collects garbage, then starts a new peak-RSS window from the current RSS. */
  resetRss(): Promise<RssSample> {
    return this.request('rss-reset');
  }

  peakRss(): Promise<RssSample> {
    return this.request('rss-peak');
  }

  /** The sockets open on the child's server right now (`server.getConnections`). */
  connections(): Promise<number> {
    return this.request('connections');
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request('exit');
    await exited;
  }
}
