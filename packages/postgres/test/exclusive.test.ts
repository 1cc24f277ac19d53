import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentProtocolError } from '@agent-protocol/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { useTestDatabases } from './database.js';
import { freshSchema } from './records.js';

// Two replicas in one process, each with its own store (pool, connections, coordination) on one
// database: what holds across processes holds here.
const databases = useTestDatabases();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function replica(schema: string, url = databases.url): Promise<PostgresStore> {
  const store = await PostgresStore.connect({ connectionString: url, schema });
  cleanups.push(() => store.close());
  return store;
}

async function replicas(): Promise<[PostgresStore, PostgresStore]> {
  const schema = freshSchema();
  return [await replica(schema), await replica(schema)];
}

/** When each piece of work entered and left, by name. */
interface Span {
  name: string;
  enter: number;
  leave: number;
}

function recorder() {
  const spans: Span[] = [];
  const work = (name: string, ms: number) => async () => {
    const enter = performance.now();
    await sleep(ms);
    spans.push({ name, enter, leave: performance.now() });
    return name;
  };
  return { spans, work };
}

/** A promise and its resolver: work that runs until the test lets it end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** The sessions holding an exclusive lock (the two-key form: objsubid 2). */
async function exclusiveHolders(store: PostgresStore): Promise<number[]> {
  const { rows } = await store.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_locks
     WHERE locktype = 'advisory' AND objsubid = 2 AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows.map((r) => r.pid);
}

describe('PostgresCoordination.exclusive across replicas', () => {
  it('never runs work of one key in two replicas at once, and runs it all', async () => {
    const [a, b] = await replicas();
    const { spans, work } = recorder();
    const calls = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? b : a).coordination().exclusive('refresh:alice', work(`w${i}`, 20)),
    );
    expect((await Promise.all(calls)).sort()).toEqual(calls.map((_, i) => `w${i}`).sort());
    spans.sort((x, y) => x.enter - y.enter);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.enter, `${spans[i]!.name} after ${spans[i - 1]!.name}`).toBeGreaterThan(
        spans[i - 1]!.leave,
      );
    }
    expect(await exclusiveHolders(a)).toEqual([]);
  });

  it('runs work of other keys, or of the same key in another schema, at the same time', async () => {
    const [a, b] = await replicas();
    const other = await replica(freshSchema());
    const { spans, work } = recorder();
    await Promise.all([
      a.coordination().exclusive('refresh:alice', work('alice', 300)),
      b.coordination().exclusive('refresh:bob', work('bob', 300)),
      other.coordination().exclusive('refresh:alice', work('alice elsewhere', 300)),
    ]);
    const latestEnter = Math.max(...spans.map((s) => s.enter));
    const earliestLeave = Math.min(...spans.map((s) => s.leave));
    expect(latestEnter).toBeLessThan(earliestLeave);
  });

  it('frees the key when work throws, and rejects with the work’s own error', async () => {
    const [a, b] = await replicas();
    const failure = new Error('the provider is away');
    const held = gate();
    const failing = a.coordination().exclusive('k', async () => {
      await held.opened;
      throw failure;
    });
    await expect.poll(() => exclusiveHolders(a)).toHaveLength(1);
    let entered = false;
    const next = b.coordination().exclusive('k', async () => (entered = true));
    await sleep(100);
    expect(entered).toBe(false);
    held.open();
    await expect(failing).rejects.toBe(failure);
    expect(await next).toBe(true);
    expect(await a.coordination().exclusive('k', async () => 'again')).toBe('again');
  });

  it('frees the key when the holder’s connection is lost; the holder’s work still completes', async () => {
    const [a, b] = await replicas();
    const held = gate();
    const holding = a.coordination().exclusive('k', async () => {
      await held.opened;
      return 'done';
    });
    await expect.poll(() => exclusiveHolders(a)).toHaveLength(1);
    const [pid] = await exclusiveHolders(a);
    // A connection that is not one of the pool's: the pool's are free for the work itself.
    const pooled = await a.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(pid).not.toBe(pooled.rows[0]!.pid);
    const waiting = b.coordination().exclusive('k', async () => 'next');
    await b.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await waiting).toBe('next');
    held.open();
    expect(await holding).toBe('done');
    // Every lock connection ended: none is left holding or idle after its last statement.
    await expect
      .poll(async () => {
        const { rows } = await a.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND query LIKE 'SELECT pg_advisory_%lock($1, $2)'`,
        );
        return rows[0]!.n;
      })
      .toBe(0);
  });

  it('rejects as unavailable (503) without running the work once the database went away', async () => {
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = tcpConnect(5432, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { port } = relay.address() as { port: number };
    const url = new URL(databases.url);
    url.port = String(port);
    const store = await replica(freshSchema(), url.href);
    await new Promise<void>((resolve) => {
      relay.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    let ran = false;
    const error = await store
      .coordination()
      .exclusive('k', async () => (ran = true))
      .catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(AgentProtocolError);
    expect(error).toMatchObject({ status: 503, code: 'unavailable' });
  });
});
