import { COMPARISONS, TRANSFER } from './comparisons.js';

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
  /** Comparison names to run (`--only`), and `upload` for the artifact transfer. */
  only: string[];
  /** Write the table into README.md (off for --quick or --only unless --write). */
  write: boolean;
  /** Run every server child with `--cpu-prof` (profiles in bench/.profiles). */
  profile: boolean;
}

const MiB = 1024 * 1024;
const FLAGS = ['--quick', '--write', '--no-write', '--profile', '--only'];
export const NAMES = [...COMPARISONS.map((c) => c.name), TRANSFER];

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
    only: only ?? NAMES,
    // A partial run would drop the other tables from the README: only when asked.
    write: flags.has('--write') || (!quick && !only && !flags.has('--no-write')),
    profile: flags.has('--profile'),
  };
}
