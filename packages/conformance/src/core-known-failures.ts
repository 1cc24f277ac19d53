/**
 * Cases the core itself fails today, with the bug. Every adapter serves the core, so every
 * adapter fails them too: `runConformance` runs them as `it.fails` for all of them (green while
 * the bug is open, red once it is fixed: then the entry is removed here).
 */
export const CORE_KNOWN_FAILURES: Readonly<Record<string, string>> = {};
