import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Running {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

async function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AGENT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line in: ${out}`)), 15_000);
    child.stdout!.on('data', () => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, baseUrl, output: () => out };
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.on('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

describe('example-express', () => {
  let dataDir = '';
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the reference agent, logs one line per request, exits cleanly on SIGTERM and keeps data', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'example-express-'));
    const first = await start(dataDir);
    const created = await fetch(`${first.baseUrl}/ap/v1/agent/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'hello' }),
    });
    expect(created.status).toBe(200);
    const task = (await created.json()) as { task_id: string };
    const step = await fetch(`${first.baseUrl}/ap/v1/agent/tasks/${task.task_id}/steps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: "write 'kept' to file 'kept.txt'" }),
    });
    expect(step.status).toBe(200);
    const requestLines = first
      .output()
      .split('\n')
      .filter((l) => /^(GET|POST) \/ap\//.test(l));
    expect(requestLines).toHaveLength(2);
    expect(await stop(first)).toBe(0);

    const second = await start(dataDir);
    const again = await fetch(`${second.baseUrl}/ap/v1/agent/tasks/${task.task_id}`);
    expect(again.status).toBe(200);
    const body = (await again.json()) as {
      artifacts: { artifact_id: string; file_name: string }[];
    };
    expect(body.artifacts.map((a) => a.file_name)).toEqual(['kept.txt']);
    const download = await fetch(
      `${second.baseUrl}/ap/v1/agent/tasks/${task.task_id}/artifacts/${body.artifacts[0]!.artifact_id}`,
    );
    expect(await download.text()).toBe('kept');
    expect(await stop(second)).toBe(0);
  });
});
