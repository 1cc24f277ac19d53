import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { redactConnectionString } from '@agent-protocol/postgres';
import pg from 'pg';

/**
 * The PostgreSQL server `--only postgres` runs on: the one the postgres package's tests use
 * (127.0.0.1:5432, trust auth, user postgres) unless `BENCH_POSTGRES_URL` names another (no
 * database in it: the run creates its own).
 */
export const POSTGRES_SERVER =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Where on the server a database is: the server's URL with the database's name as its path. */
function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A connection to the server's `postgres` database, for creating, dropping and watching. */
async function connectAdmin(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `--only postgres needs a PostgreSQL server at ${redactConnectionString(POSTGRES_SERVER)} (BENCH_POSTGRES_URL names another): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return admin;
}

/** CPU time of the server's backends at one moment: pid → ns on a CPU (`/proc/<pid>/schedstat`). */
export type CpuMark = Map<number, number>;

/**
 * A database of the run's own (`ap_bench_<random>`), created on the server and dropped with
 * every connection still open to it at the end, so a run leaves nothing behind and never meets
 * an earlier run's rows. The bench's own queries go through a connection to the `postgres`
 * database, so they never count among this database's backends.
 */
export class BenchDatabase {
  private constructor(
    private readonly admin: pg.Client,
    readonly name: string,
    readonly url: string,
    /** `server_version`, for the report. */
    readonly version: string,
  ) {}

  /** Fails at once, rather than after the run's other sections, when the server is not there. */
  static async assertReachable(): Promise<void> {
    await (await connectAdmin()).end();
  }

  static async create(): Promise<BenchDatabase> {
    const admin = await connectAdmin();
    const name = `ap_bench_${randomBytes(6).toString('hex')}`;
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
      return new BenchDatabase(admin, name, databaseUrl(name), rows[0]!.server_version);
    } catch (error) {
      await admin.end();
      throw error;
    }
  }

  /**
   * The CPU time every backend connected to this database has used so far. Backends are
   * processes of their own, so the servers' `process.cpuUsage()` never sees the work their
   * queries cause; read from `/proc` (nanoseconds, where `/proc/<pid>/stat` counts 10 ms ticks),
   * which works when the server runs on this machine. `undefined` when it cannot be read.
   * The cluster's shared processes (WAL writer, checkpointer, background writer) are left out:
   * other databases on the server use them too.
   */
  async cpuMark(): Promise<CpuMark | undefined> {
    const { rows } = await this.admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [this.name],
    );
    const mark: CpuMark = new Map();
    let readable = rows.length === 0;
    for (const { pid } of rows) {
      try {
        const text = await readFile(`/proc/${pid}/schedstat`, 'utf8');
        mark.set(pid, Number(text.split(' ')[0]));
        readable = true;
      } catch {
        // Gone since the query (a pool closing an idle connection), or not on this machine.
      }
    }
    return readable ? mark : undefined;
  }

  /**
   * Backend CPU (µs) since `before`: every backend now connected, minus what it had used at
   * `before` (nothing if it connected since). A backend that disconnected in between is lost;
   * the store's pools keep their connections while they are busy.
   */
  async cpuSince(before: CpuMark | undefined): Promise<number> {
    const after = await this.cpuMark();
    if (!before || !after) return NaN;
    let ns = 0;
    for (const [pid, used] of after) ns += used - (before.get(pid) ?? 0);
    return ns / 1000;
  }

  /** Drops the database, disconnecting whoever is still connected to it. */
  async drop(): Promise<void> {
    try {
      await this.admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    } finally {
      await this.admin.end();
    }
  }
}
