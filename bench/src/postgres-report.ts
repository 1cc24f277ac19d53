import { cpus } from 'node:os';
import { table } from './markdown.js';
import {
  POSTGRES_TARGETS,
  type PgTransferRun,
  type PostgresResults,
  type StoreMeasurement,
  type StoreOperation,
} from './postgres.js';
import { median, ratios, spread, type Spread } from './stats.js';

const MiB = 1024 * 1024;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const ratio = (s: Spread) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const met = (ok: boolean) => (ok ? 'yes' : '**no**');
const rps = (runs: StoreMeasurement[]) => runs.map((m) => m.reqPerSec);
/** Everything a request cost on the machine: the server process(es) and the database backends. */
const totalCpu = (runs: StoreMeasurement[]) =>
  runs.map((m) => m.cpuPerRequest + (Number.isNaN(m.dbCpuPerRequest) ? 0 : m.dbCpuPerRequest));
const cpuCell = (runs: StoreMeasurement[]) => {
  const server = median(runs.map((m) => m.cpuPerRequest));
  const db = median(runs.map((m) => m.dbCpuPerRequest));
  return Number.isNaN(db) ? `${int(server)} + ?` : `${int(server)} + ${int(db)}`;
};
const mib = (bytes: number) => `${fixed(bytes / MiB)} MiB`;
const seconds = (micros: number) => (Number.isNaN(micros) ? '?' : `${(micros / 1e6).toFixed(2)} s`);

/**
 * The postgres section (`--only postgres`): the store against SQLite, one replica against three,
 * the large transfer against its bound.
 */
export function renderPostgres(r: PostgresResults, quick: boolean): string {
  const { sizes } = r;
  const cpu = cpus();
  const label: Record<StoreOperation, string> = {
    'create task': 'create task',
    'get task': 'get task',
    'list tasks': `list tasks (page 1, page_size ${sizes.pageSize} of ${int(sizes.listTasks)})`,
    'execute step': 'execute step (sync, v1)',
    'list steps': `list steps (${sizes.stepsPerTask} per task)`,
    'upload artifact': `upload artifact (${int(sizes.smallArtifactBytes)} bytes, multipart)`,
    'download artifact': 'download it',
  };
  const out = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}${quick ? ', **--quick**' : ''}, ` +
      `PostgreSQL ${r.version} on the same machine. ` +
      `${sizes.rounds} interleaved rounds × ${sizes.duration} s per server and operation, ${sizes.connections} connections; ` +
      'medians over rounds, ratios paired within a round (min–max in brackets).',
  ];

  out.push(
    '',
    '**1. PostgreSQL vs SQLite, the Express adapter on each** (informational, no target; CPU per request is the server process + the PostgreSQL backends serving it)',
    '',
    table(
      [
        'Operation',
        'SQLite req/s',
        'PostgreSQL req/s',
        'Throughput PostgreSQL / SQLite',
        'SQLite µs/req',
        'PostgreSQL µs/req (server + backends)',
        'CPU PostgreSQL / SQLite',
      ],
      r.stores.map((row) => [
        label[row.operation],
        int(median(rps(row.sqlite))),
        int(median(rps(row.postgres))),
        ratio(spread(ratios(rps(row.postgres), rps(row.sqlite)))),
        int(median(row.sqlite.map((m) => m.cpuPerRequest))),
        cpuCell(row.postgres),
        ratio(spread(ratios(totalCpu(row.postgres), totalCpu(row.sqlite)))),
      ]),
    ),
  );

  const perReplica = sizes.connections / 3;
  out.push(
    '',
    `**2. One replica vs three on one database** (PostgreSQL store, one schema, one secrets key; ${sizes.connections} connections: all on the one replica, or ${perReplica} on each of the three, from one autocannon instance per replica in the bench process; informational, no target)`,
    '',
    table(
      [
        'Operation',
        '1 replica req/s',
        '3 replicas req/s',
        'Throughput 3 / 1',
        '1 replica µs/req (server + backends)',
        '3 replicas µs/req (servers + backends)',
        'CPU 3 / 1',
      ],
      r.replicas.map((row) => [
        label[row.operation],
        int(median(rps(row.one))),
        int(median(rps(row.three))),
        ratio(spread(ratios(rps(row.three), rps(row.one)))),
        cpuCell(row.one),
        cpuCell(row.three),
        ratio(spread(ratios(totalCpu(row.three), totalCpu(row.one)))),
      ]),
    ),
    '',
    'Read back afterwards through one replica (for three, one that seeded nothing): every task and step the loads were answered for is stored, ' +
      'and at most one more per connection per load (a request cut off when a load stopped counting, which the server still completed); every step completed with its output.',
    '',
    table(
      ['Deployment', 'Operation', 'Acknowledged (2xx)', 'Stored', 'Allowed', 'Met'],
      r.checks.map((c) => [
        c.deployment,
        c.operation,
        int(c.acknowledged),
        int(c.stored),
        `${int(c.acknowledged)}–${int(c.atMost)}`,
        c.problems.length ? `**no**: ${c.problems.join('; ')}` : 'yes',
      ]),
    ),
  );

  const bound = POSTGRES_TARGETS.transferRssMiB;
  const row = (round: number, direction: string, t: PgTransferRun, exact?: boolean) => [
    String(round + 1),
    direction,
    fixed(t.mibPerSec),
    seconds(t.cpuMicros),
    seconds(t.dbCpuMicros),
    mib(t.rssGrowth),
    `${mib(t.heapGrowth)} / ${mib(t.buffersGrowth)}`,
    mib(t.buffersRetained),
    met(t.rssGrowth <= bound * MiB),
    exact === undefined ? '—' : met(exact),
  ];
  const runs = r.transfer.rounds.flatMap((t, i) => [
    { direction: 'upload', round: i + 1, run: t.upload },
    { direction: 'download', round: i + 1, run: t.download },
  ]);
  const worst = (direction: string) =>
    runs
      .filter((x) => x.direction === direction)
      .reduce((a, b) => (b.run.rssGrowth > a.run.rssGrowth ? b : a));
  const verdict = (['upload', 'download'] as const).map((direction) => {
    const w = worst(direction);
    return `${direction} ${met(w.run.rssGrowth <= bound * MiB)} (worst ${mib(w.run.rssGrowth)}, round ${w.round})`;
  });
  const exact = r.transfer.rounds.every((t) => t.download.exact);
  out.push(
    '',
    `**3. A ${int(r.transfer.bytes / MiB)} MiB artifact through the PostgreSQL store** (target: server peak RSS growth ≤ ${bound} MiB, upload and download): ` +
      `${verdict.join(', ')}; every download byte-exact: ${met(exact)}`,
    '',
    table(
      [
        'Round',
        'Direction',
        'MiB/s',
        'Server CPU',
        'Backends CPU',
        'Peak RSS growth',
        'At the peak: heap / Buffers growth',
        'Buffers left after a GC',
        `≤ ${bound} MiB`,
        'Byte-exact',
      ],
      r.transfer.rounds.flatMap((t, i) => [
        row(i, 'upload', t.upload),
        row(i, 'download', t.download, t.download.exact),
      ]),
    ),
    '',
    'Peak RSS growth: highest RSS of the server child sampled every 20 ms during the transfer, minus its RSS just before it (after a GC). ' +
      "At the peak: how much the V8 heap in use and the Buffers (`process.memoryUsage()`'s `heapUsed`, `arrayBuffers`) had grown when that peak was sampled, live or garbage not yet collected; Buffers left after a GC: once the transfer is over, after a forced GC, against before it. " +
      'Byte-exact: the download, hashed (SHA-256) as it arrives, matches the bytes uploaded. Rounds run in one server child, one after the other.',
  );
  return out.join('\n');
}
