import { BEARER_HEADERS } from './auth.js';
import type { ServerKind } from './protocol.js';
import { OPERATIONS, type Operation } from './scenarios.js';

/** One side of a comparison: a server kind, and whether it runs with bearer auth. */
export interface Side {
  /** Column label in the table ("Adapter", "Bare", "Bearer", ...). */
  label: string;
  server: ServerKind;
  auth?: boolean;
}

/**
 * A pair of servers measured against each other, operation by operation, in the same rounds.
 * The ratio is `subject / reference` CPU per request, paired within a round.
 */
export interface Comparison {
  /** For `--only` and the raw results. */
  name: string;
  /** Table heading. */
  title: string;
  /** The framework, for rows that mix comparisons ("Koa adapter"). */
  short: string;
  subject: Side;
  reference: Side;
  /** Highest acceptable median CPU ratio. */
  target: number;
  /** The target is strict (`<`) rather than `≤`. */
  strict?: boolean;
  operations: readonly Operation[];
  /** Sent with every request, to both sides (so both parse the same bytes). */
  headers?: Record<string, string>;
  /** Also measure the subject with SqliteStore on the writes (informational, no target). */
  sqlite?: boolean;
  /**
   * The README section its tables go to: `results` (the adapter-vs-framework tables) unless
   * said; a section is rewritten only by a run that measured its comparisons.
   */
  section?: Section;
  /** The list servers' seeded tasks and the page size listed (default: `--quick`'s or the full run's). */
  list?: { tasks: number; pageSize: number };
  /**
   * The structure check before measuring: `same` (default) wants the same fields and JSON types
   * on both sides; `superset` wants every field the reference answers, with the same JSON type,
   * in the subject's answer too (the subject may answer more).
   */
  shapes?: 'same' | 'superset';
}

/** The README's result sections, each between its own markers (`report.ts`). */
export const SECTIONS = ['results', 'upstream', 'streams', 'postgres'] as const;
export type Section = (typeof SECTIONS)[number];
export const sectionOf = (c: Comparison): Section => c.section ?? 'results';

const adapter = (server: ServerKind): Side => ({ label: 'Adapter', server });

/** Every comparison the bench knows; `--only` picks some by name. */
export const COMPARISONS: Comparison[] = [
  {
    name: 'express',
    title: 'Express adapter (MemoryStore) vs bare Express 5',
    short: 'Express',
    subject: adapter('express-adapter'),
    reference: { label: 'Bare', server: 'express-bare' },
    target: 1.3,
    operations: OPERATIONS,
    sqlite: true,
  },
  {
    name: 'koa',
    title: 'Koa adapter (MemoryStore) vs bare Koa 3 + @koa/router + @koa/bodyparser',
    short: 'Koa',
    subject: adapter('koa-adapter'),
    reference: { label: 'Bare', server: 'koa-bare' },
    target: 1.3,
    operations: OPERATIONS,
  },
  {
    name: 'nestjs',
    title:
      'NestJS module (MemoryStore) vs a bare NestJS 11 app with controllers (Express platform)',
    short: 'NestJS',
    subject: { label: 'Module', server: 'nest-adapter' },
    reference: { label: 'Bare', server: 'nest-bare' },
    target: 1.3,
    operations: OPERATIONS,
  },
  {
    name: 'node',
    title: 'node:http adapter (MemoryStore) vs raw node:http with a hand-written router',
    short: 'node:http',
    subject: adapter('node-adapter'),
    reference: { label: 'Raw', server: 'node-raw' },
    target: 2,
    operations: OPERATIONS,
  },
  {
    name: 'auth',
    title: 'Bearer auth vs no auth, both the Express adapter (MemoryStore)',
    short: 'Auth',
    subject: { label: 'Bearer', server: 'express-adapter', auth: true },
    reference: { label: 'No auth', server: 'express-adapter' },
    target: 1.1,
    strict: true,
    operations: ['create task', 'get task'],
    headers: BEARER_HEADERS,
  },
  {
    name: 'upstream',
    title:
      "the Express example (reference agent, default SqliteStore, request log) vs upstream's JS SDK agent-protocol@1.0.5 (its README example, in memory)",
    short: 'Upstream',
    subject: { label: 'Example', server: 'express-example' },
    reference: { label: 'Upstream', server: 'upstream-sdk' },
    target: 1,
    operations: ['create task', 'get task', 'execute step', 'list first page'],
    section: 'upstream',
    // Upstream's default page size (10), over a modest history; both sides list in O(total).
    list: { tasks: 1000, pageSize: 10 },
    // Upstream answers a step without `name`, `additional_input` and `additional_output`.
    shapes: 'superset',
  },
];

/** `--only` also takes this name: the 256 MiB upload/download (Express adapter vs bare). */
export const TRANSFER = 'upload';

/**
 * And this one: step event streams and background steps on the node:http adapter with the
 * default store (`src/streams.ts`), in a README section of their own.
 */
export const STREAMS = 'streams';

/**
 * And this one: the PostgreSQL store against SQLite, one replica against three, and a large
 * artifact through PostgreSQL (`src/postgres.ts`), in a README section of their own.
 */
export const POSTGRES = 'postgres';

export const targetText = (c: Comparison) =>
  `${c.subject.label.toLowerCase()} ${c.strict ? '<' : '≤'} ${c.target}× ${c.reference.label.toLowerCase()}`;

export const meetsTarget = (c: Comparison, ratio: number) =>
  c.strict ? ratio < c.target : ratio <= c.target;
