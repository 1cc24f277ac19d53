import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../src/files.js';
import { useTestDatabases } from './database.js';
import { artifact, storeOpener, task } from './records.js';

const databases = useTestDatabases();
const stores = storeOpener(() => databases.url);
afterEach(() => stores.closeAll());

const SIZE = 5 * CHUNK_SIZE + 12_345;

const chunkCount = async (
  store: Awaited<ReturnType<typeof stores.open>>,
  id: string,
): Promise<number> =>
  (
    await store.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM ap_artifact_chunks WHERE artifact_id = $1',
      [id],
    )
  ).rows[0]!.n;

describe('PostgresArtifactFiles', () => {
  it('commits an uploaded file of 5 MiB and more in 1 MiB chunks and reads it back exactly', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    const bytes = randomBytes(SIZE);
    const temp = files.tempPath();
    expect(dirname(temp).startsWith(tmpdir())).toBe(true);
    expect(basename(dirname(temp))).toMatch(/^agent-protocol-pg-/);
    await writeFile(temp, bytes);
    expect(await files.commit(temp, 'upload')).toBe(SIZE);
    expect(existsSync(temp)).toBe(false);
    expect(await chunkCount(store, 'upload')).toBe(6);
    const read = files.read('upload');
    const sizes: number[] = [];
    read.on('data', (chunk: Buffer) => sizes.push(chunk.length));
    expect((await buffer(read)).equals(bytes)).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_SIZE);
  });

  it('writes bytes and strings, and replaces the content of an id written again', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    const bytes = randomBytes(SIZE);
    // A view into a larger buffer: only its own bytes are written.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 10, 3 * CHUNK_SIZE);
    expect(await files.write('bytes', view)).toBe(3 * CHUNK_SIZE);
    expect((await buffer(files.read('bytes'))).equals(Buffer.from(view))).toBe(true);
    expect(await files.write('bytes', bytes)).toBe(SIZE);
    expect((await buffer(files.read('bytes'))).equals(bytes)).toBe(true);
    expect(await files.write('text', 'héllo')).toBe(6);
    expect((await buffer(files.read('text'))).toString()).toBe('héllo');
  });

  it('writes a Readable of odd-sized pieces in bounded chunks', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    const bytes = randomBytes(SIZE);
    async function* pieces() {
      for (let at = 0; at < bytes.length; at += 65_543) yield bytes.subarray(at, at + 65_543);
    }
    expect(await files.write('stream', Readable.from(pieces()))).toBe(SIZE);
    expect(await chunkCount(store, 'stream')).toBe(6);
    expect((await buffer(files.read('stream'))).equals(bytes)).toBe(true);
    // Strings from a text stream are bytes too.
    expect(await files.write('words', Readable.from(['ab', 'cd']))).toBe(4);
    expect((await buffer(files.read('words'))).toString()).toBe('abcd');
  });

  it('stores nothing of a source that fails midway, and rejects with its own error', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    // Even a network error of the source's own is its error, not the database's 503.
    const broke = Object.assign(new Error('the source broke'), { code: 'ECONNRESET' });
    async function* failing() {
      yield randomBytes(CHUNK_SIZE + 1);
      throw broke;
    }
    await expect(files.write('broken', Readable.from(failing()))).rejects.toBe(broke);
    expect(await chunkCount(store, 'broken')).toBe(0);
  });

  it('reads one chunk at a time: a reader that does not consume holds at most a chunk or two', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    await files.write('big', randomBytes(SIZE));
    const read = files.read('big');
    read.pause();
    read.read(0); // start reading, then let it fill its buffer as far as it will
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(read.readableLength).toBeGreaterThan(0);
    expect(read.readableLength).toBeLessThanOrEqual(2 * CHUNK_SIZE);
    read.destroy();
  });

  it('keeps empty content apart from missing content, and removes content', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    expect(await files.write('empty', '')).toBe(0);
    expect((await buffer(files.read('empty'))).length).toBe(0);
    const temp = files.tempPath();
    await writeFile(temp, '');
    expect(await files.commit(temp, 'empty-upload')).toBe(0);
    expect((await buffer(files.read('empty-upload'))).length).toBe(0);

    await expect(buffer(files.read('missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await files.write('gone', 'bytes');
    await files.remove('gone');
    await expect(buffer(files.read('gone'))).rejects.toMatchObject({ code: 'ENOENT' });
    await files.remove('gone'); // again: nothing to do
  });

  it('discards a refused upload, and removes its temporary directory when the store closes', async () => {
    const store = await stores.open();
    const files = store.artifactFiles();
    const temp = files.tempPath();
    await writeFile(temp, 'refused');
    await files.discard(temp);
    expect(existsSync(temp)).toBe(false);
    await files.discard(temp);
    expect(existsSync(dirname(temp))).toBe(true);
    await store.close();
    expect(existsSync(dirname(temp))).toBe(false);
  });

  it('deletes at start only content over a day old that no artifact record points at', async () => {
    const first = await stores.open();
    const files = first.artifactFiles();
    await first.insertTask(task('t'), [artifact('recorded', 't')]);
    for (const id of ['recorded', 'orphan', 'in-flight']) await files.write(id, 'bytes');
    await first.pool.query(
      `UPDATE ap_artifact_chunks SET created_at = now() - interval '2 days' WHERE artifact_id <> 'in-flight'`,
    );
    const second = await stores.open({ schema: first.schema });
    for (const [id, chunks] of [
      ['recorded', 1],
      ['orphan', 0],
      ['in-flight', 1],
    ] as const) {
      expect(await chunkCount(second, id)).toBe(chunks);
    }
  });
});
