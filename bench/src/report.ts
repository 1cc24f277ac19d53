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
import type { BenchOptions } from './options.js';
import { OPERATIONS, type Operation } from './scenarios.js';
import { median, ratios, spread, type Spread } from './stats.js';

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
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const ratio = (s: Spread) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const met = (ok: boolean) => (ok ? 'yes' : '**no**');
const cpuOf = (runs: Measurement[]) => runs.map((m) => m.cpuPerRequest);
const rpsOf = (runs: Measurement[]) => runs.map((m) => m.reqPerSec);
const comparisonOf = (runs: ComparisonRuns) => COMPARISONS.find((c) => c.name === runs.name)!;
const cpuRatio = (r: PairedRuns) => spread(ratios(cpuOf(r.subject), cpuOf(r.reference)));

/** A markdown table with padded columns, laid out the way Prettier formats it. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

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
