import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import {
  COMPARISONS,
  meetsTarget,
  sectionOf,
  targetText,
  type Comparison,
  type Section,
} from './comparisons.js';
import type { Measurement } from './load.js';
import { table } from './markdown.js';
import type { BenchOptions } from './options.js';
import type { PostgresResults } from './postgres.js';
import { renderPostgres } from './postgres-report.js';
import { OPERATIONS, type Operation } from './scenarios.js';
import { median, ratios, spread, type Spread } from './stats.js';
import { STREAM_TARGETS, type FanOutRun, type StreamsResults } from './streams.js';

const MiB = 1024 * 1024;
export const TARGETS = {
  lastOverFirst: 1.5,
  uploadRssMiB: 48,
  uploadThroughputRatio: 0.8,
};

/** One operation measured on both sides of a comparison, round by round (index i = round i). */
export interface PairedRuns {
  scenario: Operation;
  subject: Measurement[];
  reference: Measurement[];
}

/** A comparison's rows, by the comparison's name (`COMPARISONS`). */
export interface ComparisonRuns {
  name: string;
  rows: PairedRuns[];
}

export interface TransferRun {
  mibPerSec: number;
  /** Server CPU (user + system) during the transfer, µs. */
  cpuMicros: number;
  /** Peak RSS during the transfer minus RSS just before it (after a GC), bytes. */
  rssGrowth: number;
}

export interface TransferRuns {
  direction: 'upload' | 'download';
  adapter: TransferRun[];
  bare: TransferRun[];
}

export interface Results {
  options: BenchOptions;
  comparisons: ComparisonRuns[];
  /** The Express adapter with SqliteStore, on the writes (informational). */
  sqlite: { scenario: Operation; runs: Measurement[] }[];
  transfers: TransferRuns[];
  /** `--only streams` (`src/streams.ts`). */
  streams?: StreamsResults;
  /** `--only postgres` (`src/postgres.ts`). */
  postgres?: PostgresResults;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const ratio = (s: Spread) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const met = (ok: boolean) => (ok ? 'yes' : '**no**');
const cpuOf = (runs: Measurement[]) => runs.map((m) => m.cpuPerRequest);
const rpsOf = (runs: Measurement[]) => runs.map((m) => m.reqPerSec);
const comparisonOf = (runs: ComparisonRuns) => COMPARISONS.find((c) => c.name === runs.name)!;
const cpuRatio = (r: PairedRuns) => spread(ratios(cpuOf(r.subject), cpuOf(r.reference)));

/** The targets at a glance: one row per comparison, the median CPU ratio of every operation. */
function summary(comparisons: ComparisonRuns[]): string {
  return table(
    ['Comparison', 'Target', ...OPERATIONS, 'Met'],
    comparisons.map((runs) => {
      const c = comparisonOf(runs);
      const ratios = OPERATIONS.map((op) => {
        const row = runs.rows.find((r) => r.scenario === op);
        return row ? cpuRatio(row).median : undefined;
      });
      const measured = ratios.filter((r) => r !== undefined);
      return [
        `${c.short}: ${c.subject.label.toLowerCase()} / ${c.reference.label.toLowerCase()}`,
        `${c.strict ? '<' : '≤'} ${c.target}×`,
        ...ratios.map((r) => (r === undefined ? '—' : `${r.toFixed(2)}×`)),
        met(measured.every((r) => meetsTarget(c, r))),
      ];
    }),
  );
}

/** The line every section starts with: when, where, and how the rounds ran. */
function runLine(o: BenchOptions): string {
  const cpu = cpus();
  return (
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ` +
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}${o.quick ? ', **--quick**' : ''}. ` +
    `${o.rounds} interleaved rounds × ${o.duration} s per server and operation, ${o.connections} connections; ` +
    `medians over rounds, ratios paired within a round (min–max in brackets).`
  );
}

/** An operation as its row names it (a list with its own size says which page of what). */
function operationLabel(c: Comparison, op: Operation): string {
  if (!c.list || !op.startsWith('list ')) return op;
  return `${op} (page_size ${c.list.pageSize} of ${int(c.list.tasks)} tasks)`;
}

/** One comparison's table: CPU per request and req/s of both sides, operation by operation. */
function comparisonTable(runs: ComparisonRuns): string {
  const c = comparisonOf(runs);
  const [s, r] = [c.subject.label, c.reference.label];
  return table(
    ['Operation', `${s} µs/req`, `${r} µs/req`, 'CPU ratio', `${s} req/s`, `${r} req/s`, 'Met'],
    runs.rows.map((row) => {
      const q = cpuRatio(row);
      return [
        operationLabel(c, row.scenario),
        fixed(median(cpuOf(row.subject))),
        fixed(median(cpuOf(row.reference))),
        ratio(q),
        int(median(rpsOf(row.subject))),
        int(median(rpsOf(row.reference))),
        met(meetsTarget(c, q.median)),
      ];
    }),
  );
}

/** What goes between a README section's markers. */
export function renderSection(results: Results, section: Section): string {
  if (section === 'streams') return renderStreams(results);
  if (section === 'postgres')
    return results.postgres ? renderPostgres(results.postgres, results.options.quick) : '';
  const comparisons = results.comparisons.filter((r) => sectionOf(comparisonOf(r)) === section);
  return section === 'upstream'
    ? renderUpstream(results.options, comparisons)
    : renderMarkdown({ ...results, comparisons });
}

/**
 * The upstream section: the Express example as a user runs it (default durable store, request
 * log) against upstream's JS SDK in memory, with the target at a glance, then the table.
 */
function renderUpstream(o: BenchOptions, comparisons: ComparisonRuns[]): string {
  const out = [runLine(o)];
  for (const runs of comparisons) {
    const c = comparisonOf(runs);
    const medians = runs.rows.map((row) => ({ op: row.scenario, q: cpuRatio(row).median }));
    const ok = medians.every(({ q }) => meetsTarget(c, q));
    out.push(
      '',
      `**Target: ≤ ${c.target.toFixed(1)}× upstream's in-memory SDK on create, get, list, execute step** ` +
        `(median CPU-per-request ratio, ${c.subject.label.toLowerCase()} / ${c.reference.label.toLowerCase()}): ` +
        `${ok ? 'met' : '**not met**'}: ${medians.map(({ op, q }) => `${op.replace(/ (task|first page)$/, '')} ${q.toFixed(2)}×`).join(', ')}.`,
    );
    out.push('', `**CPU per request: ${c.title}** (target: ${targetText(c)})`, '');
    out.push(comparisonTable(runs));
  }
  return out.join('\n');
}

function renderMarkdown(results: Results): string {
  const o = results.options;
  const out: string[] = [runLine(o)];

  if (results.comparisons.length) {
    out.push('', '**Targets: median CPU-per-request ratio of each operation**', '');
    out.push(summary(results.comparisons));
  }

  for (const runs of results.comparisons) {
    const c = comparisonOf(runs);
    out.push('', `**CPU per request: ${c.title}** (target: ${targetText(c)})`, '');
    out.push(comparisonTable(runs));
  }

  const lastFirst = results.comparisons.flatMap((runs) => {
    const c = comparisonOf(runs);
    const first = runs.rows.find((r) => r.scenario === 'list first page');
    const last = runs.rows.find((r) => r.scenario === 'list last page');
    if (!first || !last) return [];
    return (['subject', 'reference'] as const).map((side) => {
      const q = spread(ratios(cpuOf(last[side]), cpuOf(first[side])));
      const subject = side === 'subject';
      return [
        `${c.short} ${c[side].label.toLowerCase()}${subject ? '' : ' (reference)'}`,
        fixed(median(cpuOf(first[side]))),
        fixed(median(cpuOf(last[side]))),
        ratio(q),
        subject ? met(q.median <= TARGETS.lastOverFirst) : '—',
      ];
    });
  });
  if (lastFirst.length) {
    out.push(
      '',
      `**Last page vs first page at ${int(o.tasks)} tasks, page_size ${o.pageSize}** (target: every adapter ≤ ${TARGETS.lastOverFirst}×)`,
      '',
    );
    out.push(
      table(['Server', 'First page µs/req', 'Last page µs/req', 'Last / first', 'Met'], lastFirst),
    );
  }

  if (results.transfers.length) {
    out.push(
      '',
      `**${int(o.uploadBytes / MiB)} MiB artifact, adapter (SqliteStore + files) vs bare Express + busboy**, ${o.uploadRounds} round(s) ` +
        `(target for the upload: peak RSS growth ≤ ${TARGETS.uploadRssMiB} MiB at ≥ ${TARGETS.uploadThroughputRatio}× bare throughput)`,
      '',
    );
    out.push(
      table(
        [
          'Direction',
          'Adapter MiB/s',
          'Bare MiB/s',
          'Throughput ratio',
          'CPU ratio',
          'Adapter peak RSS growth',
          'Bare peak RSS growth',
          'Met',
        ],
        results.transfers.map((t) => {
          const q = spread(
            ratios(
              t.adapter.map((r) => r.mibPerSec),
              t.bare.map((r) => r.mibPerSec),
            ),
          );
          const c = spread(
            ratios(
              t.adapter.map((r) => r.cpuMicros),
              t.bare.map((r) => r.cpuMicros),
            ),
          );
          const growthA = Math.max(...t.adapter.map((r) => r.rssGrowth)) / MiB;
          const growthB = Math.max(...t.bare.map((r) => r.rssGrowth)) / MiB;
          const ok = growthA <= TARGETS.uploadRssMiB && q.median >= TARGETS.uploadThroughputRatio;
          return [
            t.direction,
            fixed(median(t.adapter.map((r) => r.mibPerSec))),
            fixed(median(t.bare.map((r) => r.mibPerSec))),
            ratio(q),
            ratio(c),
            `${fixed(growthA)} MiB`,
            `${fixed(growthB)} MiB`,
            t.direction === 'upload' ? met(ok) : `${met(ok)} (informational)`,
          ];
        }),
      ),
    );
    out.push(
      '',
      'Peak RSS growth is the worst round: highest RSS sampled every 20 ms during the transfer, minus the RSS just before it (after a GC). ' +
        'CPU ratio: server CPU time for the same transfer, adapter / bare.',
    );
  }

  if (results.sqlite.length) {
    out.push(
      '',
      '**Express adapter with SqliteStore (durable writes, WAL + synchronous=FULL; informational, no target)**',
      '',
    );
    out.push(
      table(
        ['Operation', 'µs/req (server CPU)', 'req/s', 'CPU vs MemoryStore adapter'],
        results.sqlite.map((s) => {
          const express = results.comparisons.find((c) => c.name === 'express');
          const mem = express?.rows.find((r) => r.scenario === s.scenario);
          const memCpu = mem ? median(cpuOf(mem.subject)) : NaN;
          return [
            s.scenario,
            fixed(median(cpuOf(s.runs))),
            int(median(rpsOf(s.runs))),
            `${fixed(median(cpuOf(s.runs)) / memCpu, 2)}×`,
          ];
        }),
      ),
    );
  }
  return out.join('\n');
}

/** Replaces what sits between a section's markers in the README (`<!-- results:start -->` …). */
export async function writeIntoReadme(
  path: string,
  markdown: string,
  section: Section,
): Promise<void> {
  const START = `<!-- ${section}:start -->`;
  const END = `<!-- ${section}:end -->`;
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${path} has no ${START} … ${END} markers`);
  await writeFile(
    path,
    `${text.slice(0, start + START.length)}\n\n${markdown}\n\n${text.slice(end)}`,
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${fixed(bytes / MiB)} MiB`;
/** Server CPU while the step streamed, per event delivered to a subscriber. */
const perDelivery = (r: FanOutRun) => r.streamCpuMicros / (r.liveEvents * r.subscribers);

/**
 * The streams section (`--only streams`): the targets at a glance, then one table per
 * measurement (`src/streams.ts`).
 */
function renderStreams(results: Results): string {
  const r = results.streams;
  if (!r) return '';
  const cpu = cpus();
  const { fanOut, stalled, queue } = r;
  const subscribers = fanOut.runs[0]?.subscribers ?? 0;
  const worstRss = Math.max(...fanOut.runs.map((x) => x.rssGrowth));
  const delivered = fanOut.runs.reduce((n, x) => n + x.complete, 0);
  const expected = fanOut.runs.reduce((n, x) => n + x.subscribers, 0);
  const fanOutComplete = delivered === expected && fanOut.single.every((x) => x.complete === 1);
  const s = stalled.stalled;
  const read = stalled.reading;
  const extra = STREAM_TARGETS.stalledExtraRssMiB;
  const dropped = s.droppedAtMs !== undefined && s.droppedAtMs < s.stepMs;
  const bounded = s.rssGrowthStreaming <= read.rssGrowthStreaming + extra * MiB;
  const steps = queue.tasks * queue.stepsPerTask;
  const queueOk = queue.inOrder === queue.tasks && queue.problems.length === 0;
  const resumedText = s.resumed
    ? `events ${int(s.resumed.lastEventId + 1)}–${int(s.resumed.lastEventId + s.resumed.events)}, then ${s.resumed.end === 'end' ? 'the end' : 'cut'}`
    : 'not tried';

  const out = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}${results.options.quick ? ', **--quick**' : ''}. ` +
      'The node:http adapter (`createAgentServer`) on the default SqliteStore in a temp `dataDir`, ' +
      'a fresh server child for each round and side; clients on plain `node:http` in the bench process.',
    '',
    '**Targets**',
    '',
    table(
      ['Measurement', 'Target', 'Result', 'Met'],
      [
        [
          `${int(subscribers)} subscribers on one step: server peak RSS growth`,
          `≤ ${STREAM_TARGETS.fanOutRssMiB} MiB`,
          `${mib(worstRss)} (worst of ${fanOut.runs.length} round(s))`,
          met(worstRss <= STREAM_TARGETS.fanOutRssMiB * MiB),
        ],
        [
          `${int(subscribers)} subscribers: every event once, in order, then step.completed and the end`,
          'every subscriber',
          `${int(delivered)} of ${int(expected)}`,
          met(fanOutComplete),
        ],
        [
          'Stalled subscriber: closed by the server while the step runs',
          'closed',
          s.droppedAtMs === undefined
            ? 'never closed'
            : `at ${seconds(s.droppedAtMs)} of ${seconds(s.stepMs)}`,
          met(dropped),
        ],
        [
          'Stalled subscriber: server peak RSS growth while the step streams',
          `≤ reading subscriber's + ${extra} MiB`,
          `${mib(s.rssGrowthStreaming)} (reading: ${mib(read.rssGrowthStreaming)})`,
          met(bounded),
        ],
        [
          'Stalled subscriber: reconnecting with `Last-Event-ID` gets the rest, once',
          'the rest',
          resumedText,
          met(s.complete),
        ],
        [
          `${int(steps)} background steps on ${int(queue.tasks)} tasks: all complete, each task's in order`,
          'every task',
          `${int(queue.inOrder)} of ${int(queue.tasks)} tasks`,
          met(queueOk),
        ],
      ],
    ),
  ];

  const events = fanOut.runs[0]?.liveEvents ?? 0;
  const fanOutRow = (label: string, x: FanOutRun, single: FanOutRun | undefined) => [
    label,
    int(x.subscribers),
    seconds(x.connectMs),
    fixed(x.connectCpuMicros / x.subscribers, 0),
    seconds(x.streamMs),
    seconds(x.streamCpuMicros / 1000),
    fixed(perDelivery(x), 2),
    single && x.subscribers > 1
      ? fixed(
          (x.streamCpuMicros - single.streamCpuMicros) / (x.liveEvents * (x.subscribers - 1)),
          2,
        )
      : '—',
    mib(x.rssGrowth),
    `${int(x.complete)}/${int(x.subscribers)}`,
  ];
  out.push(
    '',
    `**1. Fan-out: ${int(subscribers)} SSE subscribers on one background step \`${fanOut.step}\`** ` +
      `(reference agent; every subscriber connected, one socket each, before the step starts, then gets ${events} live events: step.running, the deltas, step.completed)`,
    '',
    table(
      [
        'Round',
        'Subscribers',
        'Connected in',
        'Connect CPU µs/subscriber',
        'Streamed in',
        'Server CPU',
        'CPU µs per delivered event',
        'Marginal µs per delivered event',
        'Peak RSS growth',
        'Complete',
      ],
      [
        ...fanOut.runs.map((x, i) => fanOutRow(String(i + 1), x, fanOut.single[i])),
        ...fanOut.single.map((x, i) => fanOutRow(`${i + 1}, warm-up`, x, undefined)),
      ],
    ),
    '',
    'CPU per delivered event: server CPU from the moment the step starts until every stream has ended, ' +
      `divided by events × subscribers. Marginal: the same minus what the step cost with one subscriber in the same child (the warm-up), ` +
      'divided by events × the other subscribers. Peak RSS growth: highest RSS sampled every 20 ms from before the ' +
      'first subscriber connects (after a GC) until the last stream ends. Streamed in: the step itself takes ' +
      `${fanOut.step.split(' ')[1]} × ${fanOut.step.split(' ')[2]} ms at least; each delta is stored, then written to every subscriber, before the agent's next.`,
  );

  const floodRow = (label: string, x: typeof s) => [
    label,
    seconds(x.stepMs),
    mib(x.rssGrowthStreaming),
    mib(x.rssGrowth),
    x.paused
      ? x.droppedAtMs === undefined
        ? '**no**'
        : `yes, at ${seconds(x.droppedAtMs)}`
      : 'no (ended after step.completed)',
    x.firstConnection
      ? `${int(x.firstConnection.events)} events, ${mib(x.firstConnection.bytes)}`
      : '—',
    x.paused ? resumedText : '—',
    x.paused ? met(dropped && bounded && x.complete) : met(x.complete),
  ];
  out.push(
    '',
    `**2. A subscriber that stops reading: \`${stalled.step}\`** (${mib(s.outputBytes)} of output in 10 KiB deltas, ` +
      'each stored before the next; the stalled client calls `res.pause()` and never reads until the step has completed)',
    '',
    table(
      [
        'Subscriber',
        'Step ran',
        'Peak RSS growth while streaming',
        'With the completion',
        'Closed by the server',
        'Kept by the kernel when closed',
        'Reconnect with Last-Event-ID',
        'Met',
      ],
      [floodRow('reading (control)', read), floodRow('stalled', s)],
    ),
    '',
    'Closed by the server: the server child had no open connection left (checked every 50 ms; every other request has its own socket, closed with its answer). ' +
      'Kept by the kernel: what the stalled client found once it read again (socket buffers; the server had dropped its own ≤ 1 MiB backlog). ' +
      "With the completion: the step's final Step carries its whole output, serialised several times over " +
      '(the terminal event, the stored step, the `GET` that saw it completed), for the reading and the stalled subscriber alike.',
  );

  out.push(
    '',
    `**3. ${int(steps)} background steps queued on ${int(queue.tasks)} tasks** (${queue.stepsPerTask} per task, ` +
      '`{"input": "y"}` with `Prefer: respond-async`, each posted after the previous 202 of its task, all tasks at once over 64 keep-alive sockets; ' +
      "then each task's last step followed on its event stream to step.completed)",
    '',
    table(
      [
        'Steps',
        'Acknowledged (last 202)',
        'All completed',
        'Steps/s',
        'Server CPU per step',
        'Tasks in order',
        'Met',
      ],
      [
        [
          int(steps),
          seconds(queue.acknowledgedMs),
          seconds(queue.completedMs),
          int(steps / (queue.completedMs / 1000)),
          `${fixed(queue.cpuMicros / steps, 0)} µs`,
          `${int(queue.inOrder)}/${int(queue.tasks)}`,
          met(queueOk),
        ],
      ],
    ),
    '',
    'Server CPU per step: everything the server did from the first POST to the last step.completed (the 202s, ' +
      'running the steps with their durable writes, one event stream per task), over the steps. In order: ' +
      "listing each task's steps afterwards shows them in the order posted, all completed and succeeded, with " +
      "the reference agent's `additional_output.step_index` 1, 2, … in that order and `in_flight` 1.",
  );
  const problems = [
    ...fanOut.runs.flatMap((x) => x.problems),
    ...fanOut.single.flatMap((x) => x.problems),
    ...read.problems,
    ...s.problems,
    ...queue.problems,
  ];
  if (problems.length) out.push('', '**Problems:**', '', ...problems.map((p) => `- ${p}`));
  return out.join('\n');
}
