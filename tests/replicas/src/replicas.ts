import { startExampleProcess, type ExampleProcess } from 'example-shared';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The built example app of a workspace package (`pnpm turbo run build` writes `dist/main.js`). */
function mainOf(app: string): string {
  return join(dirname(require.resolve(`${app}/package.json`)), 'dist', 'main.js');
}

/** The example apps the replicas run, one adapter each: any adapters serve one agent together. */
export const APPS = ['example-express', 'example-koa', 'example-node'] as const;

/** One server process among those sharing the database. */
export interface Replica {
  /** The example app it runs, and its port: how failure messages name it. */
  name: string;
  baseUrl: string;
  process: ExampleProcess;
  /** False once killed or stopped: the round-robin client passes it by. */
  alive: boolean;
}

export interface ReplicaSettings {
  databaseUrl: string;
  secretsKey: string;
  leaseMs: number;
  poolSize: number;
}

/**
 * Starts one replica of each app, all at the same instant (the processes are spawned in one
 * turn of the event loop, so their migrations race as N replicas deployed together would), on
 * the same database and secrets key. Each gets a data directory of its own, left empty: the
 * replicas share nothing but the database. Resolves once every one printed its start line.
 */
export async function startReplicas(settings: ReplicaSettings): Promise<Replica[]> {
  const dataDirs = await Promise.all(APPS.map((app) => mkdtemp(join(tmpdir(), `replica-${app}-`))));
  const env = (dataDir: string) => ({
    AGENT_DATA_DIR: dataDir,
    AGENT_DATABASE_URL: settings.databaseUrl,
    AGENT_SECRETS_KEY: settings.secretsKey,
    AGENT_STEP_LEASE_MS: String(settings.leaseMs),
    AGENT_DATABASE_POOL_SIZE: String(settings.poolSize),
  });
  const started = await Promise.allSettled(
    APPS.map((app, i) => startExampleProcess(mainOf(app), env(dataDirs[i]!))),
  );
  const failed = started.flatMap((s, i) =>
    s.status === 'rejected' ? [`${APPS[i]}: ${String(s.reason)}`] : [],
  );
  if (failed.length > 0) {
    for (const s of started) if (s.status === 'fulfilled') s.value.child.kill('SIGKILL');
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    throw new Error(`replicas did not start:\n${failed.join('\n')}`);
  }
  return started.map((s, i) => {
    const process = (s as PromiseFulfilledResult<ExampleProcess>).value;
    // Its data directory stays empty (everything is in the database): removed once it exits.
    process.child.once('exit', () => void rm(dataDirs[i]!, { recursive: true, force: true }));
    const port = new URL(process.baseUrl).port;
    return { name: `${APPS[i]}:${port}`, baseUrl: process.baseUrl, process, alive: true };
  });
}

/** `kill -9`: no shutdown, no handing over; its leases run out. */
export function killReplica(replica: Replica): Promise<void> {
  replica.alive = false;
  const exited = new Promise<void>((resolve) =>
    replica.process.child.once('exit', () => resolve()),
  );
  replica.process.child.kill('SIGKILL');
  return exited;
}

/** SIGTERM, as an orchestrator stops a replica; resolves with its exit code. */
export async function stopReplica(replica: Replica): Promise<number | null> {
  replica.alive = false;
  const { child } = replica.process;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return replica.process.stop();
}

/** Whatever is still running after a failed test: killed, so nothing outlives the run. */
export function killLeftovers(replicas: Replica[]): void {
  for (const replica of replicas) {
    if (replica.process.child.exitCode === null && replica.process.child.signalCode === null) {
      replica.process.child.kill('SIGKILL');
    }
  }
}
