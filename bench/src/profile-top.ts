/**
 * `node --import tsx src/profile-top.ts <file.cpuprofile | directory> [filter]`: the hottest
 * functions of a profile written by `pnpm bench --profile`, by self time and by inclusive time.
 * Given an operation's directory (`.profiles/upstream-example/execute-step`), it adds up the
 * profiles of every measured round in it (`round-<n>.cpuprofile`: that operation alone). Given a
 * child's directory (`.profiles/koa-adapter`), it reads the biggest whole-run profile in it: the
 * main thread's (the small one is tsx's loader thread). `filter` keeps only frames whose script
 * URL contains it (e.g. `packages/core`). Idle time is left out, and so are the bench's own
 * calls that start and stop a profile. Samples are wall-clock: a thread blocked in a system call
 * (SQLite's fsync inside better-sqlite3's native `run`) counts as busy there, though it is not
 * CPU time.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [arg, filter = ''] = process.argv.slice(2);
if (!arg) throw new Error('usage: profile-top.ts <file.cpuprofile | directory> [url filter]');
function profilesOf(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const all = readdirSync(path).filter((f) => f.endsWith('.cpuprofile'));
  const rounds = all.filter((f) => /^round-\d+\.cpuprofile$/.test(f));
  if (rounds.length) return rounds.map((f) => join(path, f));
  const biggest = all
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  return biggest ? [biggest] : [];
}
const files = profilesOf(arg);
if (files.length === 0) throw new Error(`no .cpuprofile in ${arg}`);

const label = (n: Node) => {
  const url = n.callFrame.url
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/work\/main\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue; // waiting for requests is not cost
    const stack: Node[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
      stack.push(byId.get(cur)!);
    // The bench's own profiler calls (starting and stopping a per-round profile) are not cost.
    if (stack.some((n) => n.callFrame.url === 'node:inspector')) continue;
    total += micros;
    self.set(label(node), (self.get(label(node)) ?? 0) + micros);
    for (const l of new Set(stack.map(label)))
      // recursion counts once
      inclusive.set(l, (inclusive.get(l) ?? 0) + micros);
  }
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (% of ${(total / 1000).toFixed(0)} ms busy)`);
  [...map]
    .filter(([l]) => l.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .forEach(([l, us]) => console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${l}`));
};
console.log(`${files.length} profile(s): ${files.join(', ')}`);
print('self time', self);
print('inclusive time', inclusive);
