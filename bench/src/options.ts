/** Command-line flags of `pnpm bench`. */
export interface BenchOptions {
  quick: boolean;
  /** Measurement rounds per scenario; the table reports medians. */
  rounds: number;
  /** Seconds of load per measurement. */
  duration: number;
  connections: number;
  /** Tasks seeded into the list servers. */
  tasks: number;
  pageSize: number;
  uploadBytes: number;
  uploadRounds: number;
  /** Write the table into README.md (off for --quick unless --write). */
  write: boolean;
  /** Run the adapter children with `--cpu-prof` (profiles in bench/.profiles). */
  profile: boolean;
}

const MiB = 1024 * 1024;

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const known = ['--quick', '--write', '--no-write', '--profile'];
  for (const flag of flags)
    if (!known.includes(flag)) throw new Error(`unknown flag ${flag}; known: ${known.join(' ')}`);
  const quick = flags.has('--quick');
  return {
    quick,
    rounds: quick ? 2 : 5,
    duration: quick ? 1 : 3,
    connections: 16,
    tasks: quick ? 10_000 : 100_000,
    pageSize: 100,
    uploadBytes: (quick ? 16 : 256) * MiB,
    uploadRounds: quick ? 1 : 7,
    write: flags.has('--write') || (!quick && !flags.has('--no-write')),
    profile: flags.has('--profile'),
  };
}
