import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The machine's PostgreSQL binaries (Debian's layout: /usr/lib/postgresql/<major>/bin). */
function binary(name: string): string {
  const major = readdirSync('/usr/lib/postgresql').sort().at(-1);
  if (!major) throw new Error('no PostgreSQL installation under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', major, 'bin', name);
}

/** PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user when we are root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL server of a test's own, in a temporary directory, which the test may stop and
 * start: the machine's shared server is never restarted under other tests.
 */
export interface ThrowawayCluster {
  readonly port: number;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` (trust auth ignores the password). */
  url(password?: string): string;
  start(): Promise<void>;
  /** Stops it the way an operator's restart does (`-m fast`: sessions are terminated). */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function throwawayCluster(): Promise<ThrowawayCluster> {
  const root = await mkdtemp(join(tmpdir(), 'ap-pg-cluster-'));
  const data = join(root, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    await chown(root, Number(stdout.trim()), 0);
  }
  await run(...asPostgres(binary('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-N']));
  const port = await freePort();
  const pgCtl = (args: string[]) => run(...asPostgres(binary('pg_ctl'), ['-D', data, ...args]));
  const cluster: ThrowawayCluster = {
    port,
    url: (password = '') =>
      `postgres://postgres${password ? `:${password}` : ''}@127.0.0.1:${port}/postgres`,
    async start() {
      await pgCtl([
        '-o',
        `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-l',
        join(root, 'log'),
        '-w',
        'start',
      ]);
    },
    async stop() {
      await pgCtl(['-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
