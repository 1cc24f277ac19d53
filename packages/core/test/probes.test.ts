import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { startCore, type Harness } from './harness.js';

const agent = defineAgent({ info: { name: 'p', version: '1' }, onStep: () => ({ output: 'x' }) });

let h: Harness;
const dirs: string[] = [];
afterEach(async () => {
  await h.close();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('probes', () => {
  it('/readyz turns 503 with Retry-After once the server stops taking steps; /healthz stays 200', async () => {
    h = await startCore({ agent, shutdownGraceMs: 50 });
    expect((await h.call('GET', '/readyz')).json).toEqual({ status: 'ready' });
    await h.protocol.stop();
    const stopping = await h.call('GET', '/readyz');
    expect(stopping.status).toBe(503);
    expect(stopping.headers['retry-after']).toBe('5');
    expect(stopping.json).toEqual({ status: 'not_ready', reason: 'shutting down' });
    expect((await h.call('GET', '/healthz')).status).toBe(200);
  });

  it('/readyz is 503 when the store does not answer, naming nothing of why', async () => {
    const lines: string[] = [];
    const storeDir = await mkdtemp(join(tmpdir(), 'core-probes-'));
    dirs.push(storeDir);
    const store = new SqliteStore({ dataDir: storeDir });
    h = await startCore({
      agent,
      store,
      logger: { info: () => undefined, error: (m) => void lines.push(m) },
    });
    expect((await h.call('GET', '/readyz')).status).toBe(200);
    await store.close(); // the database went away
    const down = await h.call('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.json).toEqual({ status: 'not_ready', reason: 'the store does not answer' });
    expect(lines).toContain('readiness: the store does not answer');
  });
});
