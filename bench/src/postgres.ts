/**
 * `--only postgres`: the PostgreSQL store (`@agent-protocol/postgres`) behind the Express adapter,
 * in a database of the run's own (`postgres-database.ts`), each server in its own child:
 *
 * 1. against SQLite (the same adapter, agent and limits), operation by operation, in interleaved
 *    paired rounds;
 * 2. one replica against three replicas on one database (create task, execute step), then a
 *    check that each deployment stored what it acknowledged, steps completed;
 * 3. a large artifact uploaded and downloaded through it: the server's peak RSS growth, and the
 *    download hashed as it arrives against what was sent.
 */
import { randomBytes } from 'node:crypto';
import { expectJson } from './http-client.js';
import { measureAcross, type LoadOptions, type Measurement, type Scenario } from './load.js';
import type { PostgresSizes } from './options.js';
import { BenchDatabase } from './postgres-database.js';
import type { ChildConfig, PostgresConfig, RssSample, StoreKind } from './protocol.js';
import { POOL } from './protocol.js';
import { assertShapes, createTasks, scenarioFor } from './scenarios.js';
import type { ServerProcess } from './server-process.js';
import type { StartChild } from './streams.js';
import { download, multipartBody, upload, uploadedDigest } from './upload.js';

const TASKS = '/ap/v1/agent/tasks';
const MiB = 1024 * 1024;

/** The issue's bound on the server's peak RSS growth while a large artifact goes through. */
export const POSTGRES_TARGETS = { transferRssMiB: 48 };

export const STORE_OPERATIONS = [
  'create task',
  'get task',
  'list tasks',
  'execute step',
  'list steps',
  'upload artifact',
  'download artifact',
] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];
export const REPLICA_OPERATIONS = ['create task', 'execute step'] as const;
export type ReplicaOperation = (typeof REPLICA_OPERATIONS)[number];

export interface StoreMeasurement extends Measurement {
  /**
   * CPU of the PostgreSQL backends serving the load, per request, µs: work the servers'
   * `process.cpuUsage()` cannot see (0 on SQLite, which works inside the server; NaN when the
   * database server's processes cannot be read).
   */
  dbCpuPerRequest: number;
}

/** One operation on both stores, round by round (index i = round i). */
export interface StoreRow {
  operation: StoreOperation;
  sqlite: StoreMeasurement[];
  postgres: StoreMeasurement[];
}

/** One operation on one replica and on three, round by round. */
export interface ReplicaRow {
  operation: ReplicaOperation;
  one: StoreMeasurement[];
  three: StoreMeasurement[];
}

/** What a deployment stored against what its loads were told, read back through one replica. */
export interface StoredCheck {
  deployment: '1 replica' | '3 replicas';
  operation: ReplicaOperation;
  /** Requests answered 2xx over every load (warm-up included). */
  acknowledged: number;
  /**
   * Upper bound: acknowledged plus what each load may have left cut off at its end (one request
   * per connection, which the server may have completed after the load stopped counting).
   */
  atMost: number;
  stored: number;
  problems: string[];
}

export interface PgTransferRun {
  mibPerSec: number;
  /** Server CPU (user + system) during the transfer, µs. */
  cpuMicros: number;
  /** PostgreSQL backends' CPU during the transfer, µs (NaN when unreadable). */
  dbCpuMicros: number;
  /** Peak RSS during the transfer minus RSS just before it (after a GC), bytes. */
  rssGrowth: number;
  /**
   * Where that peak was: growth of the V8 heap in use and of Buffers (`arrayBuffers`) from before
   * the transfer to the moment the peak was sampled, bytes. Live or garbage alike.
   */
  heapGrowth: number;
  buffersGrowth: number;
  /**
   * Buffers once the transfer is over and garbage collected, minus before it: what the transfer
   * left alive (near 0 when the peak's Buffers were garbage).
   */
  buffersRetained: number;
}

export interface PgTransferRound {
  upload: PgTransferRun;
  /** `exact`: the bytes downloaded hash (SHA-256, while streaming) to the bytes uploaded. */
  download: PgTransferRun & { exact: boolean };
}

export interface PostgresResults {
  /** The database server's `server_version`. */
  version: string;
  sizes: PostgresSizes;
  stores: StoreRow[];
  replicas: ReplicaRow[];
  checks: StoredCheck[];
  transfer: { bytes: number; rounds: PgTransferRound[] };
}

type Log = (line: string) => void;
/** A load target: the servers of one deployment (one, or the replicas) and a scenario. */
type Target = [ServerProcess[], Scenario];

/** Everything a phase needs to start its children in the run's database. */
interface Context {
  sizes: PostgresSizes;
  db: BenchDatabase;
  start: (name: string, store: StoreKind, seed: number, schema?: string) => Promise<ServerProcess>;
  log: Log;
}

/** A measured load, with the database backends' CPU read around it when the store is PostgreSQL. */
async function measured(
  db: BenchDatabase,
  [servers, scenario]: Target,
  load: LoadOptions,
  postgres: boolean,
): Promise<StoreMeasurement> {
  const mark = postgres ? await db.cpuMark() : undefined;
  const m = await measureAcross(servers, scenario, load);
  const dbCpu = postgres ? await db.cpuSince(mark) : 0;
  return { ...m, dbCpuPerRequest: dbCpu / m.requests };
}

/**
 * Warm-up, not measured: one operation after another, both sides of it at once (every operation
 * at once starves the slowest, a PostgreSQL step, of any answer within a second on two cores).
 */
async function warmUp(groups: Target[][], sizes: PostgresSizes): Promise<Measurement[][]> {
  const load = { connections: sizes.connections, duration: sizes.warmUp };
  const out: Measurement[][] = [];
  for (const group of groups)
    out.push(await Promise.all(group.map(([servers, s]) => measureAcross(servers, s, load))));
  return out;
}

/** The peak of an RSS window, where it was, and what was left once it had been collected. */
const growth = (r: RssSample, after: RssSample) => ({
  rssGrowth: r.peak - r.baseline,
  heapGrowth: r.usage.peak.heapUsed - r.usage.baseline.heapUsed,
  buffersGrowth: r.usage.peak.arrayBuffers - r.usage.baseline.arrayBuffers,
  buffersRetained: after.usage.baseline.arrayBuffers - r.usage.baseline.arrayBuffers,
});

const fmt = (m: StoreMeasurement) =>
  `${m.reqPerSec.toFixed(0)} req/s ${m.cpuPerRequest.toFixed(0)}+${m.dbCpuPerRequest.toFixed(0)} µs/req`;

/** Gives each task `steps` synchronous steps, one after the other (the tasks side by side). */
async function addSteps(base: string, taskIds: string[], steps: number): Promise<void> {
  await Promise.all(
    taskIds.map(async (id) => {
      for (let i = 0; i < steps; i++)
        await expectJson(200, `${base}${TASKS}/${id}/steps`, 'POST', { input: 'y' });
    }),
  );
}

/**
 * The seeded tasks (`POOL` of them) split so that no operation changes what another reads: get
 * and execute step share the first half (a step adds nothing a task answers), uploads pile their
 * artifacts on the third quarter (a task answers its artifacts), downloads read the last quarter,
 * each given one artifact beforehand.
 */
function split(ids: string[]) {
  const q = Math.floor(ids.length / 4);
  return { read: ids.slice(0, 2 * q), upload: ids.slice(2 * q, 3 * q), download: ids.slice(3 * q) };
}

/** The seven operations on one store: its crud server (seeded pool) and its list server. */
async function storeTargets(
  sizes: PostgresSizes,
  crud: ServerProcess,
  list: ServerProcess,
  small: { contentType: string; body: Buffer },
): Promise<Record<StoreOperation, Target>> {
  const ids = split(crud.ids);
  const stepTasks = list.ids.slice(0, sizes.stepTasks);
  const [artifacts] = await Promise.all([
    Promise.all(
      ids.download.map(async (id) => {
        const { artifactId } = await upload(crud.url, id, sizes.smallArtifactBytes);
        return `${TASKS}/${id}/artifacts/${artifactId}`;
      }),
    ),
    addSteps(list.url, stepTasks, sizes.stepsPerTask),
  ]);
  const ctx = { pool: ids.read, tasks: sizes.listTasks, pageSize: sizes.pageSize };
  return {
    'create task': [[crud], scenarioFor('create task', ctx)],
    'get task': [[crud], scenarioFor('get task', ctx)],
    'list tasks': [[list], { ...scenarioFor('list first page', ctx), name: 'list tasks' }],
    'execute step': [[crud], scenarioFor('execute step', ctx)],
    'list steps': [
      [list],
      {
        name: 'list steps',
        method: 'GET',
        paths: stepTasks.map(
          (id) => `${TASKS}/${id}/steps?current_page=1&page_size=${sizes.pageSize}`,
        ),
      },
    ],
    'upload artifact': [
      [crud],
      {
        name: 'upload artifact',
        method: 'POST',
        paths: ids.upload.map((id) => `${TASKS}/${id}/artifacts`),
        body: small.body,
        headers: { 'content-type': small.contentType },
      },
    ],
    'download artifact': [[crud], { name: 'download artifact', method: 'GET', paths: artifacts }],
  };
}

/** 1. PostgreSQL against SQLite, the seven operations in interleaved paired rounds. */
async function compareStores({ sizes, db, start, log }: Context): Promise<StoreRow[]> {
  log(
    `postgres: starting SQLite and PostgreSQL servers (seeding ${sizes.listTasks} tasks into the list servers)…`,
  );
  const servers = await Promise.all([
    start('sqlite', 'sqlite', POOL),
    start('sqlite list', 'sqlite', sizes.listTasks),
    start('pg', 'postgres', POOL, 'stores'),
    start('pg list', 'postgres', sizes.listTasks, 'lists'),
  ]);
  const [sqlite, sqliteList, postgres, postgresList] = servers;
  try {
    log(
      `postgres: seeded ${sizes.listTasks} tasks in ${sqliteList.seedMs.toFixed(0)} ms (SQLite) ` +
        `and ${postgresList.seedMs.toFixed(0)} ms (PostgreSQL)`,
    );
    // Fairness: both answer every operation with the same structures.
    await assertShapes([sqlite, postgres], sizes.pageSize);
    // The same small body on both sides (one boundary, the same bytes).
    const small = multipartBody(sizes.smallArtifactBytes);
    const [onSqlite, onPostgres] = await Promise.all([
      storeTargets(sizes, sqlite, sqliteList, small),
      storeTargets(sizes, postgres, postgresList, small),
    ]);
    const load = { connections: sizes.connections, duration: sizes.duration };
    log(
      `postgres: warming up, then ${sizes.rounds} rounds × ${STORE_OPERATIONS.length * 2} measurements × ${sizes.duration} s…`,
    );
    await warmUp(
      STORE_OPERATIONS.map((op) => [onSqlite[op], onPostgres[op]]),
      sizes,
    );
    const rows: StoreRow[] = STORE_OPERATIONS.map((operation) => ({
      operation,
      sqlite: [],
      postgres: [],
    }));
    for (let round = 0; round < sizes.rounds; round++) {
      // Alternate which store goes first, so drift in the machine's load hits both alike.
      const order =
        round % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const);
      for (const row of rows) {
        for (const side of order) {
          const target = (side === 'sqlite' ? onSqlite : onPostgres)[row.operation];
          row[side].push(await measured(db, target, load, side === 'postgres'));
        }
        const [s, p] = [row.sqlite.at(-1)!, row.postgres.at(-1)!];
        log(
          `postgres round ${round + 1}/${sizes.rounds} ${row.operation.padEnd(17)} ` +
            `SQLite ${fmt(s)} | PostgreSQL ${fmt(p)} | ratio ${(p.reqPerSec / s.reqPerSec).toFixed(2)}`,
        );
      }
    }
    return rows;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

interface StepRow {
  status: string;
  output: string | null;
}

/**
 * Reads back, through `via`, what a deployment stored: the tasks beyond the seeded pool (the
 * list's total; only the create loads made any) and every pool task's steps, each of which must
 * be completed with the echo of its input.
 */
async function storedCounts(
  via: ServerProcess,
  pool: string[],
): Promise<{ tasks: number; steps: number; problems: string[] }> {
  const problems: string[] = [];
  const { body: list } = await expectJson<{ pagination: { total_items: number } }>(
    200,
    `${via.url}${TASKS}?current_page=1&page_size=1`,
    'GET',
  );
  let steps = 0;
  for (const id of pool) {
    const { body } = await expectJson<{ steps: StepRow[]; pagination: { total_items: number } }>(
      200,
      `${via.url}${TASKS}/${id}/steps?current_page=1&page_size=1000`,
      'GET',
    );
    steps += body.pagination.total_items;
    if (body.steps.length !== body.pagination.total_items && problems.length < 5)
      problems.push(
        `task ${id}: ${body.steps.length} steps listed of ${body.pagination.total_items}`,
      );
    const bad = body.steps.filter((s) => s.status !== 'completed' || s.output !== 'y');
    if (bad.length && problems.length < 5)
      problems.push(`task ${id}: ${bad.length} steps not completed with output "y"`);
  }
  return { tasks: list.pagination.total_items - pool.length, steps, problems };
}

/** 2. One replica against three on one database: create task and execute step. */
async function compareReplicas({
  sizes,
  db,
  start,
  log,
}: Context): Promise<{ rows: ReplicaRow[]; checks: StoredCheck[] }> {
  log('postgres: starting 1 replica, and 3 replicas on one schema…');
  const [one, first] = await Promise.all([
    start('1 replica', 'postgres', POOL, 'one'),
    start('3 replicas #1', 'postgres', POOL, 'three'),
  ]);
  // The others start on the migrated schema; the tasks they serve were seeded by the first.
  const others = await Promise.all([
    start('3 replicas #2', 'postgres', 0, 'three'),
    start('3 replicas #3', 'postgres', 0, 'three'),
  ]);
  const three = [first, ...others];
  try {
    const targets = (servers: ServerProcess[], pool: string[]) =>
      Object.fromEntries(
        REPLICA_OPERATIONS.map((op) => [
          op,
          [servers, scenarioFor(op, { pool, tasks: 0, pageSize: sizes.pageSize })] as Target,
        ]),
      ) as Record<ReplicaOperation, Target>;
    const deployments = {
      one: targets([one], one.ids),
      three: targets(three, first.ids),
    };
    const acknowledged = {
      one: { 'create task': 0, 'execute step': 0 },
      three: { 'create task': 0, 'execute step': 0 },
    };
    const load = { connections: sizes.connections, duration: sizes.duration };
    log(
      `postgres: warming up, then ${sizes.rounds} rounds × ${REPLICA_OPERATIONS.length * 2} measurements × ${sizes.duration} s…`,
    );
    const warmed = await warmUp(
      REPLICA_OPERATIONS.map((op) => [deployments.one[op], deployments.three[op]]),
      sizes,
    );
    REPLICA_OPERATIONS.forEach((op, i) => {
      acknowledged.one[op] += warmed[i]![0]!.requests;
      acknowledged.three[op] += warmed[i]![1]!.requests;
    });
    let loads = 1;
    const rows: ReplicaRow[] = REPLICA_OPERATIONS.map((operation) => ({
      operation,
      one: [],
      three: [],
    }));
    for (let round = 0; round < sizes.rounds; round++, loads++) {
      const order = round % 2 === 0 ? (['one', 'three'] as const) : (['three', 'one'] as const);
      for (const row of rows) {
        for (const side of order) {
          const m = await measured(db, deployments[side][row.operation], load, true);
          row[side].push(m);
          acknowledged[side][row.operation] += m.requests;
        }
        const [a, b] = [row.one.at(-1)!, row.three.at(-1)!];
        log(
          `postgres round ${round + 1}/${sizes.rounds} ${row.operation.padEnd(13)} ` +
            `1 replica ${fmt(a)} | 3 replicas ${fmt(b)} | ratio ${(b.reqPerSec / a.reqPerSec).toFixed(2)}`,
        );
      }
    }

    // Read back through a replica that seeded nothing: what the others wrote, it must see.
    const checks: StoredCheck[] = [];
    for (const [side, deployment, via] of [
      ['one', '1 replica', one],
      ['three', '3 replicas', others.at(-1)!],
    ] as const) {
      const stored = await storedCounts(via, side === 'one' ? one.ids : first.ids);
      for (const operation of REPLICA_OPERATIONS) {
        const ack = acknowledged[side][operation];
        const atMost = ack + loads * sizes.connections;
        const count = operation === 'create task' ? stored.tasks : stored.steps;
        const problems = operation === 'execute step' ? [...stored.problems] : [];
        if (count < ack || count > atMost)
          problems.unshift(`${count} stored, outside ${ack}–${atMost}`);
        checks.push({ deployment, operation, acknowledged: ack, atMost, stored: count, problems });
      }
    }
    for (const c of checks)
      log(
        `postgres: ${c.deployment} ${c.operation}: ${c.stored} stored, ${c.acknowledged} acknowledged ` +
          `(at most ${c.atMost})${c.problems.length ? `; ${c.problems.join('; ')}` : ''}`,
      );
    return { rows, checks };
  } finally {
    await Promise.all([one, ...three].map((s) => s.stop()));
  }
}

/** 3. A large artifact through the PostgreSQL store: peak RSS growth, byte-exact download. */
async function transfer({ sizes, db, start, log }: Context): Promise<PostgresResults['transfer']> {
  const server = await start('transfer', 'postgres', 0, 'transfer');
  try {
    const [taskId] = await createTasks(server.url, 1);
    const rounds: PgTransferRound[] = [];
    for (let round = -1; round < sizes.transferRounds; round++) {
      const warm = round === -1; // 1 MiB first: the code paths, the pool's connections
      const bytes = warm ? MiB : sizes.transferBytes;
      const expected = uploadedDigest(bytes); // before the clock and the RSS window start

      await server.resetRss();
      let cpu = await server.cpuMicros();
      let mark = await db.cpuMark();
      const u = await upload(server.url, taskId!, bytes);
      const uCpu = (await server.cpuMicros()) - cpu;
      const uDbCpu = await db.cpuSince(mark);
      const uRss = await server.peakRss();
      // Collects the upload's garbage and opens the download's window.
      const dStart = await server.resetRss();
      const up: PgTransferRun = {
        mibPerSec: u.mibPerSec,
        cpuMicros: uCpu,
        dbCpuMicros: uDbCpu,
        ...growth(uRss, dStart),
      };

      cpu = await server.cpuMicros();
      mark = await db.cpuMark();
      const d = await download(server.url, taskId!, u.artifactId, bytes, true);
      const dCpu = (await server.cpuMicros()) - cpu;
      const dDbCpu = await db.cpuSince(mark);
      const dRss = await server.peakRss();
      const down: PgTransferRound['download'] = {
        mibPerSec: d.mibPerSec,
        cpuMicros: dCpu,
        dbCpuMicros: dDbCpu,
        ...growth(dRss, await server.resetRss()),
        exact: d.sha256 === expected,
      };
      if (warm) continue;
      rounds.push({ upload: up, download: down });
      log(
        `postgres transfer ${round + 1}/${sizes.transferRounds} ${bytes / MiB} MiB: ` +
          `upload ${up.mibPerSec.toFixed(1)} MiB/s (+${(up.rssGrowth / MiB).toFixed(1)} MiB RSS), ` +
          `download ${down.mibPerSec.toFixed(1)} MiB/s (+${(down.rssGrowth / MiB).toFixed(1)} MiB RSS, ` +
          `${down.exact ? 'byte-exact' : 'NOT byte-exact'})`,
      );
    }
    return { bytes: sizes.transferBytes, rounds };
  } finally {
    await server.stop();
  }
}

/**
 * The whole section in a database of its own, dropped at the end whatever happens. Every
 * deployment has a schema of its own in it (stores, lists, one, three, transfer), so none sees
 * another's rows; all share one secrets key, as replicas must.
 */
export async function runPostgres(
  sizes: PostgresSizes,
  startChild: StartChild,
  dataDir: (name: string) => string,
  log: Log,
): Promise<PostgresResults> {
  const db = await BenchDatabase.create();
  log(`postgres: database ${db.name} created (PostgreSQL ${db.version})`);
  try {
    const secretsKey = randomBytes(32).toString('base64');
    const start: Context['start'] = (name, store, seed, schema) => {
      const postgres: PostgresConfig | undefined =
        store === 'postgres'
          ? { connectionString: db.url, schema: schema!, secretsKey }
          : undefined;
      const config: ChildConfig = {
        server: 'express-adapter',
        store,
        seed,
        auth: false,
        dataDir: dataDir(`postgres ${name}`),
        ...(postgres ? { postgres } : {}),
      };
      return startChild(`postgres ${name}`, config);
    };
    const context: Context = { sizes, db, start, log };
    const stores = await compareStores(context);
    const { rows: replicas, checks } = await compareReplicas(context);
    const large = await transfer(context);
    return { version: db.version, sizes, stores, replicas, checks, transfer: large };
  } finally {
    await db.drop();
    log(`postgres: database ${db.name} dropped`);
  }
}
