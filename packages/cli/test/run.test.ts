import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './apps.js';
import { runCli } from './cli.js';
import { startProxy } from './proxy.js';

let server: RunningApp;
let scratch: string;
beforeAll(async () => {
  server = await startApp('koa');
  scratch = await mkdtemp(join(tmpdir(), 'cli-run-'));
});
afterAll(async () => {
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
});

interface RunJson {
  task: { task_id: string; input: string | null };
  steps: { is_last: boolean; output?: string | null }[];
  ended: string;
  artifacts: { artifact_id: string; file_name: string }[];
  downloads: { artifact_id: string; path: string }[];
}

describe('run', () => {
  it('stops at --max-steps with exit code 3 when the task never ends, saying how to resume', async () => {
    // A task with a blank input: the reference agent answers every empty step and never ends it.
    const result = await runCli(['run', '--url', server.baseUrl, '--max-steps', '2', '']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /Stopped after 2 steps \(--max-steps 2\): task ([0-9a-f-]{36}) has not ended\. Resume it: agent-protocol run --task \1/,
    );
  });

  it('--json prints one parsable document: the task, its steps, how it ended', async () => {
    const bounded = await runCli([
      'run',
      '--url',
      server.baseUrl,
      '--json',
      '--max-steps',
      '2',
      '',
    ]);
    expect(bounded.code).toBe(3);
    const stopped = JSON.parse(bounded.stdout) as RunJson;
    expect(stopped.ended).toBe('max_steps');
    expect(stopped.steps).toHaveLength(2);
    expect(stopped.steps.every((s) => !s.is_last)).toBe(true);

    const finished = await runCli(['run', '--url', server.baseUrl, '--json', 'finish']);
    expect(finished.code).toBe(0);
    const done = JSON.parse(finished.stdout) as RunJson;
    expect(done.ended).toBe('finished');
    expect(done.task.input).toBe('finish');
    expect(done.steps).toMatchObject([{ is_last: true, output: 'Hello. Done.' }]);
  });

  it('streams the output, lists the artifacts and downloads them with --out', async () => {
    const out = join(scratch, 'out');
    const result = await runCli([
      'run',
      '--url',
      server.baseUrl,
      "write 'x' to file 'a.txt'",
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Hello. Wrote 1 bytes to 'a.txt'.\n");
    expect(result.stdout).toMatch(/Artifacts:\n {2}a\.txt \([0-9a-f-]{36}\) → .*a\.txt\n/);
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('x');
    expect(result.stderr).toMatch(/Task [0-9a-f-]{36} ended after 1 step\./);
  });

  it('a resumed task (--task) takes its input as the first step', async () => {
    const first = JSON.parse(
      (await runCli(['run', '--url', server.baseUrl, '--json', '--max-steps', '1', ''])).stdout,
    ) as RunJson;
    const resumed = await runCli([
      'run',
      '--url',
      server.baseUrl,
      '--task',
      first.task.task_id,
      '--json',
      'finish',
    ]);
    expect(resumed.code).toBe(0);
    expect((JSON.parse(resumed.stdout) as RunJson).task.task_id).toBe(first.task.task_id);
  });

  it('exits 1 naming what went wrong when nothing answers, and 2 for a wrong command line', async () => {
    const unreachable = await runCli(['run', '--url', 'http://127.0.0.1:9', 'hello']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('Could not reach the server');
    const noInput = await runCli(['run', '--url', server.baseUrl]);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toContain('run needs an input');
    const badBound = await runCli(['run', '--url', server.baseUrl, '--max-steps', '0', 'x']);
    expect(badBound.code).toBe(2);
    const noUrl = await runCli(['run', 'x']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('AGENT_PROTOCOL_URL');
  });
});

describe('the listing commands', () => {
  it('tasks list, steps list, artifacts list and download (all, or one by id), info; AGENT_PROTOCOL_URL', async () => {
    const env = { AGENT_PROTOCOL_URL: `${server.baseUrl}/ap/v1/agent/tasks` };
    const ran = JSON.parse(
      (await runCli(['run', '--json', "write 'two' to file 'docs/b.txt'"], { env })).stdout,
    ) as RunJson;
    const taskId = ran.task.task_id;

    const tasks = JSON.parse((await runCli(['tasks', 'list', '--json'], { env })).stdout) as {
      task_id: string;
    }[];
    expect(tasks.map((t) => t.task_id)).toContain(taskId);
    expect((await runCli(['tasks', 'list'], { env })).stdout).toMatch(
      /^TASK\s+ARTIFACTS\s+INPUT$/m,
    );

    const steps = await runCli(['steps', 'list', taskId], { env });
    expect(steps.code).toBe(0);
    expect(steps.stdout).toMatch(/completed\/succeeded\s+last\s+Hello\. Wrote 3 bytes/);

    const artifacts = await runCli(['artifacts', 'list', taskId], { env });
    expect(artifacts.stdout).toMatch(/agent\s+docs\s+b\.txt/);

    const all = join(scratch, 'all');
    const downloaded = await runCli(['artifacts', 'download', taskId, '--out', all], { env });
    expect(downloaded.code).toBe(0);
    expect(await readFile(join(all, 'docs', 'b.txt'), 'utf8')).toBe('two');

    const one = join(scratch, 'one');
    const id = ran.artifacts[0]!.artifact_id;
    const single = await runCli(['artifacts', 'download', taskId, id, '--out', one, '--json'], {
      env,
    });
    expect(JSON.parse(single.stdout)).toEqual([
      { artifact_id: id, path: join(one, 'docs', 'b.txt') },
    ]);

    const missing = await runCli(['steps', 'list', '00000000-0000-4000-8000-000000000000'], {
      env,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('404');

    const info = await runCli(['info'], { env });
    expect(info.stdout).toMatch(/^reference-agent 1\.0\.0 \(protocol 1\)$/m);
    expect(info.stdout).toContain('REFERENCE_API_KEY');
  });
});

describe('artifacts download from a server that names an artifact outside the folder', () => {
  it('refuses to write outside --out (exit 1), naming the artifact', async () => {
    const ran = JSON.parse(
      (await runCli(['run', '--url', server.baseUrl, '--json', "write 'evil' to file 'x.txt'"]))
        .stdout,
    ) as RunJson;
    // The listing says '../../x.txt': a server must never write over a user's files.
    const proxy = await startProxy(server.baseUrl, (asked, answer) => {
      if (!/\/artifacts(\?|$)/.test(asked.url) || answer.status !== 200) return answer;
      const page = JSON.parse(answer.body.toString('utf8')) as { artifacts: object[] };
      page.artifacts = page.artifacts.map((a) => ({ ...a, relative_path: '../..' }));
      return { ...answer, body: Buffer.from(JSON.stringify(page)) };
    });
    try {
      const out = join(scratch, 'safe', 'inner');
      const result = await runCli([
        'artifacts',
        'download',
        ran.task.task_id,
        '--out',
        out,
        '--url',
        proxy.url,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('which would be written outside');
      await expect(readFile(join(scratch, 'x.txt'), 'utf8')).rejects.toThrow();
    } finally {
      await proxy.close();
    }
  });
});
