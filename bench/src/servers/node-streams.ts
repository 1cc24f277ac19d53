import { createReferenceAgent } from '@agent-protocol/conformance';
import { defineAgent, type AgentDefinition } from '@agent-protocol/core';
import { createAgentServer } from '@agent-protocol/node';
import type { ChildConfig } from '../protocol.js';
import { seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/**
 * The `streams` servers: the node:http adapter (`createAgentServer`) with no `store`, so the
 * protocol opens its default durable store (SqliteStore in `dataDir`, WAL, `synchronous = FULL`),
 * every step event logged before it is published; default stream options (1 MiB unread at most
 * per subscriber).
 */
function nodeServer(config: ChildConfig, agent: AgentDefinition): BenchServer {
  const server = createAgentServer({ agent, dataDir: config.dataDir });
  return {
    server: server.server,
    seed: (count) => seedThroughService(server.protocol, config, count),
    close: () => server.close(),
  };
}

/** With the reference agent (`stream <n> <ms>`, and the echo of anything else). */
export function createNodeReference(config: ChildConfig): BenchServer {
  return nodeServer(config, createReferenceAgent());
}

/** `flood <n> <bytes>`: n deltas of `bytes` bytes each, as fast as their writes are stored. */
const FLOOD = /^flood (\d+) (\d+)$/;

/**
 * Delta `i` (from 1) of a flood: its number, then filler up to `bytes`; the bench checks every
 * delta it receives against this.
 */
export function floodDelta(i: number, bytes: number): string {
  const head = `${i}:`;
  return head + 'x'.repeat(Math.max(0, bytes - head.length));
}

/**
 * An agent that produces a lot of output quickly: each delta is awaited (stored, then published)
 * before the next, as a well-behaved streaming agent writes. `wait` runs until it is cancelled
 * (a step to queue the flood behind, so a subscriber can connect before the flood starts).
 * Anything else is echoed.
 */
export const floodAgent: AgentDefinition = defineAgent({
  info: { name: 'bench-flood', version: '0.0.0', description: 'Writes large deltas quickly.' },
  async onStep({ input, ctx }) {
    if (input === 'wait') {
      const { signal } = ctx;
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return { output: 'waited' };
    }
    const flood = FLOOD.exec(input ?? '');
    if (!flood) return { output: input ?? '' };
    const [n, bytes] = [Number(flood[1]), Number(flood[2])];
    for (let i = 1; i <= n && !ctx.signal.aborted; i++)
      await ctx.output.write(floodDelta(i, bytes));
    return { name: 'flood' };
  },
});

export function createNodeFlood(config: ChildConfig): BenchServer {
  return nodeServer(config, floodAgent);
}
