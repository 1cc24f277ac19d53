/**
 * `pnpm bench [--quick] [--only <names>] [--write|--no-write] [--profile]`: each adapter against
 * its bare framework doing the same work (Express, Koa, NestJS, node:http), and bearer auth
 * against none, each server in its own child process, all measured in one interleaved run.
 * Progress goes to stderr; the markdown tables to stdout (and into README.md).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COMPARISONS,
  POSTGRES,
  SECTIONS,
  STREAMS,
  TRANSFER,
  sectionOf,
  type Comparison,
  type Section,
  type Side,
} from './comparisons.js';
import { measure, type LoadOptions, type Scenario } from './load.js';
import { NAMES, parseOptions, type BenchOptions } from './options.js';
import { BenchDatabase } from './postgres-database.js';
import { runPostgres } from './postgres.js';
import { POOL, type ChildConfig } from './protocol.js';
import {
  renderSection,
  writeIntoReadme,
  type ComparisonRuns,
  type Results,
  type TransferRuns,
} from './report.js';
import {
  assertShapes,
  createTasks,
  isListOperation,
  scenarioFor,
  type Operation,
} from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { runStreams } from './streams.js';
import { download, upload } from './upload.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const PROFILES = fileURLToPath(new URL('../.profiles', import.meta.url));
/** Raw measurements of the last run (git-ignored), for a closer look than the table gives. */
const RAW = fileURLToPath(new URL('../results', import.meta.url));
const started = performance.now();
const log = (line: string) =>
  process.stderr.write(
    `[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
  );

type Target = [ServerProcess, Scenario];
/** One row of one comparison: the same operation on both sides (and SQLite, informational). */
interface Pair {
  comparison: Comparison;
  op: Operation;
  subject: Target;
  reference: Target;
  sqlite?: Target;
}

/**
 * Starts a child; with `--profile`, under `--cpu-prof`, its profiles in a directory named after
 * it (one file per thread: the biggest is the main thread, the others tsx's loader thread).
 */
function start(options: BenchOptions, name: string, config: ChildConfig): Promise<ServerProcess> {
  const prof = options.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, slug(name))}`]
    : [];
  return ServerProcess.start(name, config, prof);
}

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/**
 * One measured load; with `--profile`, inside a CPU profile of just that load (started and
 * stopped outside the CPU reading), written to `.profiles/<child>/<operation>/round-<n>.cpuprofile`.
 */
async function measured(
  options: BenchOptions,
  [server, scenario]: Target,
  load: LoadOptions,
  round: number,
) {
  if (!options.profile) return measure(server, scenario, load);
  await server.profileStart();
  try {
    return await measure(server, scenario, load);
  } finally {
    await server.profileStop(
      join(PROFILES, slug(server.name), slug(scenario.name), `round-${round + 1}.cpuprofile`),
    );
  }
}

/** The children one comparison needs: crud servers (256 tasks), list servers, SQLite. */
async function startComparison(options: BenchOptions, tmp: string, c: Comparison) {
  const crud = c.operations.some((op) => !isListOperation(op));
  const list = c.operations.some(isListOperation);
  const child = (
    side: Side,
    role: string,
    seed: number,
    store: ChildConfig['store'] = 'memory',
  ) => {
    const name = `${c.name} ${side.label.toLowerCase()}${role}`;
    return start(options, name, {
      server: side.server,
      store,
      seed,
      auth: side.auth ?? false,
      dataDir: join(tmp, name.replace(/[^a-z0-9]+/gi, '-')),
    });
  };
  const [subject, reference, subjectList, referenceList, sqlite] = await Promise.all([
    crud ? child(c.subject, '', POOL) : undefined,
    crud ? child(c.reference, '', POOL) : undefined,
    list ? child(c.subject, ' list', c.list?.tasks ?? options.tasks) : undefined,
    list ? child(c.reference, ' list', c.list?.tasks ?? options.tasks) : undefined,
    c.sqlite ? child(c.subject, '+sqlite', POOL, 'sqlite') : undefined,
  ]);
  return { comparison: c, subject, reference, subjectList, referenceList, sqlite };
}

async function cpuPhase(options: BenchOptions, tmp: string, results: Results): Promise<void> {
  const comparisons = COMPARISONS.filter((c) => options.only.includes(c.name));
  if (comparisons.length === 0) return;
  const listSizes = new Set(
    comparisons
      .filter((c) => c.operations.some(isListOperation))
      .map((c) => (c.list?.tasks ?? options.tasks).toLocaleString('en-US')),
  );
  log(
    `starting servers for ${comparisons.map((c) => c.name).join(', ')}` +
      (listSizes.size
        ? ` (seeding ${[...listSizes].join(' / ')} tasks into the list servers)…`
        : '…'),
  );
  const groups = await Promise.all(comparisons.map((c) => startComparison(options, tmp, c)));
  const servers = groups.flatMap((s) =>
    [s.subject, s.reference, s.subjectList, s.referenceList, s.sqlite].filter(
      (p) => p !== undefined,
    ),
  );
  try {
    for (const s of groups) {
      if (s.subjectList && s.referenceList)
        log(
          `${s.comparison.name}: seeded in ${s.subjectList.seedMs.toFixed(0)} ms (${s.comparison.subject.label}) ` +
            `and ${s.referenceList.seedMs.toFixed(0)} ms (${s.comparison.reference.label})`,
        );
    }
    // Fairness: every server sending the same headers answers with the same structures; a
    // comparison checked as a superset (upstream's SDK answers fewer fields) is checked alone.
    const byHeaders = new Map<
      string,
      { headers?: Record<string, string>; servers: ServerProcess[] }
    >();
    for (const s of groups) {
      const c = s.comparison;
      if (c.shapes === 'superset') {
        if (!s.subject || !s.reference) continue;
        const extra = await assertShapes(
          [s.subject, s.reference],
          c.list?.pageSize ?? options.pageSize,
          c.headers,
          'superset',
        );
        log(
          `${c.name}: ${c.subject.label} answers every field ${c.reference.label} answers` +
            (extra.length ? `, and also ${extra.join(', ')}` : ''),
        );
        continue;
      }
      const key = JSON.stringify(s.comparison.headers ?? {});
      const group = byHeaders.get(key) ?? { headers: s.comparison.headers, servers: [] };
      group.servers.push(...[s.subject, s.reference].filter((p) => p !== undefined));
      byHeaders.set(key, group);
    }
    for (const { headers, servers: group } of byHeaders.values())
      if (group.length > 1) await assertShapes(group, options.pageSize, headers);

    const pairs: Pair[] = groups.flatMap((s) => {
      const c = s.comparison;
      return c.operations.map((op) => {
        const list = isListOperation(op);
        const target = (server: ServerProcess | undefined): Target => [
          server!,
          scenarioFor(op, {
            pool: server!.ids,
            tasks: c.list?.tasks ?? options.tasks,
            pageSize: c.list?.pageSize ?? options.pageSize,
            ...(c.headers ? { headers: c.headers } : {}),
          }),
        ];
        return {
          comparison: c,
          op,
          subject: target(list ? s.subjectList : s.subject),
          reference: target(list ? s.referenceList : s.reference),
          // Durable writes only: a read through SQLite is not what that row is about.
          ...(s.sqlite && !list && op !== 'get task' ? { sqlite: target(s.sqlite) } : {}),
        };
      });
    });

    const load: LoadOptions = { connections: options.connections, duration: options.duration };
    const measurements = pairs.reduce((n, p) => n + (p.sqlite ? 3 : 2), 0);
    log(
      `warming up, then ${options.rounds} rounds × ${measurements} measurements × ${options.duration} s ` +
        `(about ${Math.ceil((measurements * options.rounds * (options.duration + 0.1)) / 60)} min)…`,
    );
    // Warm-up is not measured, so a comparison's servers and operations warm up all at once:
    // every one of them gets its code paths optimised before any round, in a fraction of the time.
    for (const c of comparisons) {
      const targets = pairs
        .filter((p) => p.comparison === c)
        .flatMap((p) => [p.subject, p.reference, p.sqlite].filter((t) => t !== undefined));
      await Promise.all(
        targets.map(([server, scenario]) =>
          measure(server, scenario, { ...load, duration: options.warmUp }),
        ),
      );
    }

    const runs = new Map<Comparison, ComparisonRuns>(
      comparisons.map((c) => [
        c,
        {
          name: c.name,
          rows: c.operations.map((op) => ({ scenario: op, subject: [], reference: [] })),
        },
      ]),
    );
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which server goes first, so drift in the machine's load hits both alike.
      const order =
        round % 2 === 0 ? (['subject', 'reference'] as const) : (['reference', 'subject'] as const);
      for (const pair of pairs) {
        const row = runs.get(pair.comparison)!.rows.find((r) => r.scenario === pair.op)!;
        for (const side of order) row[side].push(await measured(options, pair[side], load, round));
        if (pair.sqlite) {
          const entry = results.sqlite.find((e) => e.scenario === pair.op) ?? {
            scenario: pair.op,
            runs: [],
          };
          if (entry.runs.length === 0) results.sqlite.push(entry);
          entry.runs.push(await measured(options, pair.sqlite, load, round));
        }
        const a = row.subject.at(-1)!;
        const b = row.reference.at(-1)!;
        const { subject, reference } = pair.comparison;
        log(
          `round ${round + 1}/${options.rounds} ${`${pair.comparison.name}: ${pair.op}`.padEnd(24)} ` +
            `${subject.label} ${a.cpuPerRequest.toFixed(1)} µs/req ${a.reqPerSec.toFixed(0)} req/s | ` +
            `${reference.label} ${b.cpuPerRequest.toFixed(1)} µs/req ${b.reqPerSec.toFixed(0)} req/s` +
            ` | ratio ${(a.cpuPerRequest / b.cpuPerRequest).toFixed(2)}`,
        );
      }
    }
    results.comparisons = [...runs.values()];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function transferPhase(options: BenchOptions, tmp: string, results: Results): Promise<void> {
  if (!options.only.includes(TRANSFER)) return;
  const adapterDir = join(tmp, 'upload-adapter');
  const bareDir = join(tmp, 'upload-bare');
  const [adapter, bare] = await Promise.all([
    ServerProcess.start('adapter upload', {
      server: 'express-adapter',
      store: 'sqlite',
      seed: 0,
      auth: false,
      dataDir: adapterDir,
    }),
    ServerProcess.start('bare upload', {
      server: 'express-bare',
      store: 'memory',
      seed: 0,
      auth: false,
      dataDir: bareDir,
    }),
  ]);
  const sides = {
    adapter: { server: adapter, fileOf: (id: string) => join(adapterDir, 'artifacts', id) },
    bare: { server: bare, fileOf: (id: string) => join(bareDir, id) },
  };
  try {
    const up: TransferRuns = { direction: 'upload', adapter: [], bare: [] };
    const down: TransferRuns = { direction: 'download', adapter: [], bare: [] };
    const MiB = 1024 * 1024;
    for (let round = -1; round < options.uploadRounds; round++) {
      const warmUp = round === -1;
      const bytes = warmUp ? MiB : options.uploadBytes;
      const order =
        round % 2 === 0 ? (['adapter', 'bare'] as const) : (['bare', 'adapter'] as const);
      for (const side of order) {
        const { server, fileOf } = sides[side];
        const [taskId] = await createTasks(server.url, 1);
        await server.resetRss();
        const uCpu = await server.cpuMicros();
        const u = await upload(server.url, taskId!, bytes);
        const uRss = await server.peakRss();
        const uCpuMicros = (await server.cpuMicros()) - uCpu;
        await server.resetRss();
        const dCpu = await server.cpuMicros();
        const d = await download(server.url, taskId!, u.artifactId, bytes);
        const dRss = await server.peakRss();
        const dCpuMicros = (await server.cpuMicros()) - dCpu;
        await rm(fileOf(u.artifactId), { force: true }); // keep the disk from filling up
        if (warmUp) continue;
        up[side].push({
          mibPerSec: u.mibPerSec,
          cpuMicros: uCpuMicros,
          rssGrowth: uRss.peak - uRss.baseline,
        });
        down[side].push({
          mibPerSec: d.mibPerSec,
          cpuMicros: dCpuMicros,
          rssGrowth: dRss.peak - dRss.baseline,
        });
        log(
          `transfer ${round + 1}/${options.uploadRounds} ${side.padEnd(7)} upload ${u.mibPerSec.toFixed(1)} MiB/s ` +
            `(+${((uRss.peak - uRss.baseline) / MiB).toFixed(1)} MiB RSS, ${(uCpuMicros / 1e6).toFixed(2)} s CPU) download ${d.mibPerSec.toFixed(1)} MiB/s ` +
            `(+${((dRss.peak - dRss.baseline) / MiB).toFixed(1)} MiB RSS, ${(dCpuMicros / 1e6).toFixed(2)} s CPU)`,
        );
      }
    }
    results.transfers = [up, down];
  } finally {
    await Promise.all([adapter.stop(), bare.stop()]);
  }
}

async function streamsPhase(options: BenchOptions, tmp: string, results: Results): Promise<void> {
  if (!options.only.includes(STREAMS)) return;
  log('streams: fan-out, a stalled subscriber, queued background steps…');
  results.streams = await runStreams(
    options,
    (name, config) => start(options, name, config),
    (name) => join(tmp, slug(name)),
    log,
  );
}

async function postgresPhase(options: BenchOptions, tmp: string, results: Results): Promise<void> {
  if (!options.only.includes(POSTGRES)) return;
  results.postgres = await runPostgres(
    options.postgres,
    (name, config) => start(options, name, config),
    (name) => join(tmp, slug(name)),
    log,
  );
}

const options = parseOptions(process.argv.slice(2));
// The postgres section runs last: a missing server should fail the run before the others.
if (options.only.includes(POSTGRES)) await BenchDatabase.assertReachable();
const tmp = await mkdtemp(join(tmpdir(), 'ap-bench-'));
// A profiling run starts from an empty .profiles, so no profile of an earlier run gets mixed in.
if (options.profile) await rm(PROFILES, { recursive: true, force: true });
try {
  const results: Results = { options, comparisons: [], sqlite: [], transfers: [] };
  await cpuPhase(options, tmp, results);
  await transferPhase(options, tmp, results);
  await streamsPhase(options, tmp, results);
  await postgresPhase(options, tmp, results);
  await mkdir(RAW, { recursive: true });
  const partial = options.only.length < NAMES.length ? `-${options.only.join('+')}` : '';
  await writeFile(
    join(RAW, `${options.quick ? 'quick' : 'latest'}${partial}.json`),
    JSON.stringify(results, null, 2),
  );
  // Each README section holds its own comparisons' tables; a run rewrites only the sections it
  // measured something for (`--only upstream --write` leaves the adapter tables alone).
  const measured = (section: Section) =>
    COMPARISONS.some((c) => sectionOf(c) === section && options.only.includes(c.name)) ||
    (section === 'results' && options.only.includes(TRANSFER)) ||
    (section === 'streams' && options.only.includes(STREAMS)) ||
    (section === 'postgres' && options.only.includes(POSTGRES));
  for (const section of SECTIONS.filter(measured)) {
    const markdown = renderSection(results, section);
    process.stdout.write(`${markdown}\n\n`);
    if (options.write) {
      await writeIntoReadme(README, markdown, section);
      log(`${section} section written into ${README}`);
    }
  }
  if (!options.write)
    log('README.md left as it is (--quick or --only without --write, or --no-write)');
} finally {
  await rm(tmp, { recursive: true, force: true });
}
