import { COMPARISONS, POSTGRES, STREAMS, TRANSFER } from './comparisons.js';

/** The sizes of the `streams` measurements (`src/streams.ts`). */
export interface StreamsSizes {
  /** Subscribers on the one streaming step, and its `stream <deltas> <deltaMs>`. */
  subscribers: number;
  deltas: number;
  deltaMs: number;
  /** Fan-out rounds (each with new subscribers on a new step); the table reports each. */
  fanOutRounds: number;
  /** The stalled subscriber's step: `flood <floodDeltas> <floodBytes>`. */
  floodDeltas: number;
  floodBytes: number;
  /** Background steps queued: `stepsPerTask` on each of `tasks` tasks. */
  tasks: number;
  stepsPerTask: number;
}

/** The sizes of the `postgres` measurements (`src/postgres.ts`), kept to about 3 minutes. */
export interface PostgresSizes {
  /** Interleaved rounds of the store and replica comparisons; the tables report medians. */
  rounds: number;
  /** Seconds of load per measurement. */
  duration: number;
  /** Seconds of warm-up load per operation, both sides of it at once. */
  warmUp: number;
  /** Connections per load: divisible by 3, so three replicas get as many each. */
  connections: number;
  /** Tasks seeded into the list servers, of which page 1 of `pageSize` is listed. */
  listTasks: number;
  pageSize: number;
  /** Tasks given `stepsPerTask` steps before the rounds, whose steps are listed. */
  stepTasks: number;
  stepsPerTask: number;
  /** The small artifact uploaded and downloaded, bytes. */
  smallArtifactBytes: number;
  /** The large artifact streamed through the PostgreSQL store, and how many times. */
  transferBytes: number;
  transferRounds: number;
}

/** Command-line flags of `pnpm bench`. */
export interface BenchOptions {
  quick: boolean;
  /** Measurement rounds per scenario; the table reports medians. */
  rounds: number;
  /** Seconds of load per measurement. */
  duration: number;
  /** Seconds of warm-up load before the first round (every server of a comparison at once). */
  warmUp: number;
  connections: number;
  /** Tasks seeded into the list servers. */
  tasks: number;
  pageSize: number;
  uploadBytes: number;
  uploadRounds: number;
  streams: StreamsSizes;
  postgres: PostgresSizes;
  /**
   * Comparison names to run (`--only`), `upload` for the artifact transfer, `streams` for the
   * event streams and background steps, `postgres` for the PostgreSQL store.
   */
  only: string[];
  /** Write the table into README.md (off for --quick or --only unless --write). */
  write: boolean;
  /** Run every server child with `--cpu-prof` (profiles in bench/.profiles). */
  profile: boolean;
}

const MiB = 1024 * 1024;
const FLAGS = ['--quick', '--write', '--no-write', '--profile', '--only'];
export const NAMES = [...COMPARISONS.map((c) => c.name), TRANSFER, STREAMS, POSTGRES];

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Set<string>();
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--only=') ? ['--only', arg.slice(7)] : [arg, undefined];
    if (!FLAGS.includes(flag!))
      throw new Error(`unknown argument ${arg}; known: ${FLAGS.join(' ')}`);
    flags.add(flag!);
    if (flag !== '--only') continue;
    const value = inline ?? argv[++i];
    if (!value || value.startsWith('--'))
      throw new Error(`--only takes names, comma-separated: ${NAMES.join(',')}`);
    only = value.split(',').filter(Boolean);
    for (const name of only)
      if (!NAMES.includes(name))
        throw new Error(`--only: unknown ${name}; known: ${NAMES.join(',')}`);
  }
  const quick = flags.has('--quick');
  return {
    quick,
    // More, shorter rounds rather than fewer long ones: on shared, noisy cores the median of
    // many paired rounds shrugs off a burst of someone else's load that one long round cannot.
    // (autocannon stops on whole seconds: a shorter duration still runs one second.)
    rounds: quick ? 2 : 7,
    duration: quick ? 1 : 2,
    warmUp: quick ? 1 : 2,
    connections: 16,
    tasks: quick ? 10_000 : 100_000,
    pageSize: 100,
    uploadBytes: (quick ? 16 : 256) * MiB,
    uploadRounds: quick ? 1 : 7,
    streams: {
      subscribers: quick ? 100 : 1000,
      deltas: quick ? 50 : 200,
      deltaMs: 10,
      fanOutRounds: quick ? 1 : 3,
      // Well past what the kernel's socket buffers absorb, in --quick runs too.
      floodDeltas: 2000,
      floodBytes: 10 * 1024,
      tasks: quick ? 100 : 1000,
      stepsPerTask: 10,
    },
    postgres: {
      // Short rounds, more of them: two comparisons of 7 and 2 operations on both sides, and a
      // large transfer, fit in about 3 minutes.
      rounds: quick ? 1 : 5,
      duration: 1,
      warmUp: 1,
      connections: 15,
      listTasks: 1000,
      pageSize: 100,
      stepTasks: 16,
      stepsPerTask: 20,
      smallArtifactBytes: 1024,
      transferBytes: (quick ? 16 : 256) * MiB,
      transferRounds: quick ? 1 : 2,
    },
    only: only ?? NAMES,
    // A partial run would drop the other tables from the README: only when asked.
    write: flags.has('--write') || (!quick && !only && !flags.has('--no-write')),
    profile: flags.has('--profile'),
  };
}
