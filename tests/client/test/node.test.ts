// The Node entry: a file on disk uploaded as an artifact and downloaded back into a file.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@agent-protocol/client';
import { downloadToFile, uploadFile } from '@agent-protocol/client/node';
import { startApp, type RunningApp } from './helpers/example-app.js';

let app: RunningApp;
let dir = '';

beforeAll(async () => {
  app = await startApp('example-node');
  dir = await mkdtemp(join(tmpdir(), 'client-files-'));
});
afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

it('uploads a file from disk and downloads an artifact into a file, byte-exact', async () => {
  const client = createClient({ baseUrl: app.baseUrl });
  const task = await client.tasks.create();
  const bytes = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => (i * 13) & 0xff);
  const source = join(dir, 'data.bin');
  await writeFile(source, bytes);

  const artifact = await uploadFile(client, task.task_id, source, { relativePath: 'inputs' });
  expect(artifact).toMatchObject({ file_name: 'data.bin', relative_path: 'inputs' });
  const renamed = await uploadFile(client, task.task_id, source, { fileName: 'copy.bin' });
  expect(renamed.file_name).toBe('copy.bin');

  const target = join(dir, 'downloaded.bin');
  await downloadToFile(client, task.task_id, artifact.artifact_id, target);
  expect(sha256(await readFile(target))).toBe(sha256(bytes));

  // An empty artifact is an empty file, not a failure.
  const empty = await client.artifacts.upload(task.task_id, new Uint8Array(0), {
    fileName: 'empty',
  });
  await downloadToFile(client, task.task_id, empty.artifact_id, join(dir, 'empty'));
  expect((await readFile(join(dir, 'empty'))).length).toBe(0);
});
