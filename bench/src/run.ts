/**
 * `pnpm bench [--quick] [--write|--no-write] [--profile]`: the Express adapter against a bare
 * Express 5 server doing the same work, each in its own child process, measured in one run.
 * Progress goes to stderr; the markdown table to stdout (and into README.md).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type LoadOptions, type Scenario } from './load.js';
import { parseOptions, type BenchOptions } from './options.js';
import {
  renderMarkdown,
  writeIntoReadme,
  type PairedRuns,
  type Results,
  type TransferRuns,
} from './report.js';
import { assertSameShapes, createTasks, crudScenarios, listScenarios } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { download, upload } from './upload.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const PROFILES = fileURLToPath(new URL('../.profiles', import.meta.url));
/** Raw measurements of the last run (git-ignored), for a closer look than the table gives. */
const RAW = fileURLToPath(new URL('../results', import.meta.url));
const POOL = 256;
const log = (line: string) => process.stderr.write(`${line}\n`);

type Target = [ServerProcess, Scenario];
interface Pair {
  name: string;
  adapter: Target;
  bare: Target;
  sqlite?: Target;
}

async function cpuPhase(options: BenchOptions, tmp: string, results: Results): Promise<void> {
  const prof = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : [];
  const dir = (name: string) => join(tmp, name);
  log(
    `starting servers (seeding ${options.tasks.toLocaleString('en-US')} tasks into the list servers)…`,
  );
  const [adapter, bare, sqlite, adapterList, bareList] = await Promise.all([
    ServerProcess.start(
      'adapter',
      { server: 'adapter', store: 'memory', seed: 0, dataDir: dir('adapter') },
      prof,
    ),
    ServerProcess.start('bare', { server: 'bare', store: 'memory', seed: 0, dataDir: dir('bare') }),
    ServerProcess.start('adapter+sqlite', {
      server: 'adapter',
      store: 'sqlite',
      seed: 0,
      dataDir: dir('sqlite'),
    }),
    ServerProcess.start(
      'adapter list',
      { server: 'adapter', store: 'memory', seed: options.tasks, dataDir: dir('adapter-list') },
      prof,
    ),
    ServerProcess.start('bare list', {
      server: 'bare',
      store: 'memory',
      seed: options.tasks,
      dataDir: dir('bare-list'),
    }),
  ]);
  const servers = [adapter, bare, sqlite, adapterList, bareList];
  try {
    log(
      `seeded in ${adapterList.seedMs.toFixed(0)} ms (adapter) and ${bareList.seedMs.toFixed(0)} ms (bare)`,
    );
    await assertSameShapes(adapter.url, bare.url, options.pageSize);
    const [poolA, poolB, poolS] = await Promise.all(
      [adapter, bare, sqlite].map((s) => createTasks(s.url, POOL)),
    );
    const crudA = crudScenarios(poolA!);
    const crudB = crudScenarios(poolB!);
    const crudS = crudScenarios(poolS!);
    const listA = listScenarios(options.tasks, options.pageSize);
    const pairs: Pair[] = [
      ...crudA.map((s, i) => ({
        name: s.name,
        adapter: [adapter, s] as Target,
        bare: [bare, crudB[i]!] as Target,
        // Durable writes only: a get through SQLite is a read, not what this row is about.
        ...(s.method === 'POST' ? { sqlite: [sqlite, crudS[i]!] as Target } : {}),
      })),
      ...listA.map((s) => ({
        name: s.name,
        adapter: [adapterList, s] as Target,
        bare: [bareList, s] as Target,
      })),
    ];

    const load: LoadOptions = { connections: options.connections, duration: options.duration };
    log('warming up…');
    for (const pair of pairs) {
      for (const [server, scenario] of [pair.adapter, pair.bare, pair.sqlite].filter(
        (t) => t !== undefined,
      )) {
        await measure(server, scenario, { ...load, duration: 1 });
      }
    }

    const paired = new Map<string, PairedRuns>(
      pairs.map((p) => [p.name, { scenario: p.name, adapter: [], bare: [] }]),
    );
    const durable = new Map<string, Results['sqlite'][number]>();
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which server goes first, so drift in the machine's load hits both alike.
      const order =
        round % 2 === 0 ? (['adapter', 'bare'] as const) : (['bare', 'adapter'] as const);
      for (const pair of pairs) {
        const runs = paired.get(pair.name)!;
        for (const side of order)
          runs[side].push(await measure(pair[side][0], pair[side][1], load));
        if (pair.sqlite) {
          const entry = durable.get(pair.name) ?? { scenario: pair.name, runs: [] };
          entry.runs.push(await measure(pair.sqlite[0], pair.sqlite[1], load));
          durable.set(pair.name, entry);
        }
        const a = runs.adapter.at(-1)!;
        const b = runs.bare.at(-1)!;
        log(
          `round ${round + 1}/${options.rounds} ${pair.name.padEnd(16)} adapter ${a.cpuPerRequest.toFixed(1)} µs/req ` +
            `${a.reqPerSec.toFixed(0)} req/s | bare ${b.cpuPerRequest.toFixed(1)} µs/req ${b.reqPerSec.toFixed(0)} req/s` +
            ` | ratio ${(a.cpuPerRequest / b.cpuPerRequest).toFixed(2)}`,
        );
      }
    }
    results.cpu = [...paired.values()];
    results.sqlite = [...durable.values()];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function transferPhase(options: BenchOptions, tmp: string, results: Results): Promise<void> {
  const adapterDir = join(tmp, 'upload-adapter');
  const bareDir = join(tmp, 'upload-bare');
  const [adapter, bare] = await Promise.all([
    ServerProcess.start('adapter upload', {
      server: 'adapter',
      store: 'sqlite',
      seed: 0,
      dataDir: adapterDir,
    }),
    ServerProcess.start('bare upload', {
      server: 'bare',
      store: 'memory',
      seed: 0,
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

const options = parseOptions(process.argv.slice(2));
const tmp = await mkdtemp(join(tmpdir(), 'ap-bench-'));
try {
  const results: Results = { options, cpu: [], sqlite: [], transfers: [] };
  await cpuPhase(options, tmp, results);
  await transferPhase(options, tmp, results);
  await mkdir(RAW, { recursive: true });
  await writeFile(
    join(RAW, options.quick ? 'quick.json' : 'latest.json'),
    JSON.stringify(results, null, 2),
  );
  const markdown = renderMarkdown(results);
  process.stdout.write(`${markdown}\n`);
  if (options.write) {
    await writeIntoReadme(README, markdown);
    log(`results written into ${README}`);
  } else {
    log('README.md left as it is (--quick without --write, or --no-write)');
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
