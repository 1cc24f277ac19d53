import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactFiles } from '@agent-protocol/core';
import type pg from 'pg';
import { Database } from './database.js';
import { DELETE_CHUNKS, DELETE_ORPHAN_CHUNKS, INSERT_CHUNK, READ_SLICE } from './queries.js';

/** Artifact content is stored in rows of this many bytes: the most any read or write holds. */
export const CHUNK_SIZE = 1024 * 1024;
/** Bytes read per query when downloading (see `read`). */
const SLICE = 32 * 1024;

/**
 * Artifact bytes in the database (`ap_artifact_chunks`), so that replicas share nothing but it.
 * Content is written in one transaction (durable when the promise resolves; never half there)
 * and read back one chunk per `_read`, so memory stays bounded and a slow reader holds no more
 * than a chunk or two. Every content has at least chunk 0 (empty for an empty file), so missing
 * content is told apart from empty content.
 *
 * Uploads are received into a private local temporary directory first (`tempPath`), created here
 * and removed by `dispose` (the store's `close`).
 */
export class PostgresArtifactFiles implements ArtifactFiles {
  private readonly db: Database;
  private readonly tempDir: string;

  /**
   * @param pool the store's pool.
   * @param passwords spellings of the connection's password, kept out of error messages.
   */
  constructor(pool: pg.Pool, passwords: string[] = []) {
    this.db = new Database(pool, passwords);
    this.tempDir = mkdtempSync(join(tmpdir(), 'agent-protocol-pg-'));
  }

  tempPath(): string {
    return join(this.tempDir, randomUUID());
  }

  async commit(tempPath: string, artifactId: string): Promise<number> {
    const handle = await open(tempPath, 'r');
    let size: number;
    try {
      size = await this.db.transaction(async (client) => {
        const chunks = new ChunkWriter(client, artifactId);
        await chunks.start();
        // One buffer for the whole file: each chunk is sent before the next read reuses it.
        const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
        for (;;) {
          const bytes = await readFull(handle, buffer);
          if (bytes > 0) await chunks.insert(buffer.subarray(0, bytes));
          if (bytes < CHUNK_SIZE) break;
        }
        return chunks.finish();
      });
    } finally {
      await handle.close();
    }
    await this.discard(tempPath);
    return size;
  }

  async write(artifactId: string, data: string | Uint8Array | Readable): Promise<number> {
    // A source that fails is the caller's error as it is, not the database's (a source's own
    // ECONNRESET must not read as "the database is not answering").
    let sourceError: { error: unknown } | undefined;
    async function* source(readable: Readable): AsyncGenerator<string | Uint8Array> {
      try {
        yield* readable as AsyncIterable<string | Uint8Array>;
      } catch (error) {
        sourceError = { error };
        throw error;
      }
    }
    return this.db
      .transaction(async (client) => {
        const chunks = new ChunkWriter(client, artifactId);
        await chunks.start();
        if (typeof data === 'string' || data instanceof Uint8Array) {
          const bytes = toBuffer(data);
          for (let at = 0; at < bytes.length; at += CHUNK_SIZE) {
            await chunks.insert(bytes.subarray(at, at + CHUNK_SIZE));
          }
        } else {
          // Pieces gather until a chunk is full; `for await` reads no further while one is sent.
          let pending: Buffer[] = [];
          let pendingBytes = 0;
          for await (const piece of source(data)) {
            const bytes = toBuffer(piece);
            pending.push(bytes);
            pendingBytes += bytes.length;
            if (pendingBytes < CHUNK_SIZE) continue;
            const joined = Buffer.concat(pending, pendingBytes);
            let at = 0;
            for (; joined.length - at >= CHUNK_SIZE; at += CHUNK_SIZE) {
              await chunks.insert(joined.subarray(at, at + CHUNK_SIZE));
            }
            pending = at < joined.length ? [joined.subarray(at)] : [];
            pendingBytes = joined.length - at;
          }
          if (pendingBytes > 0) await chunks.insert(Buffer.concat(pending, pendingBytes));
        }
        return chunks.finish();
      })
      .catch((error: unknown) => {
        throw sourceError ? sourceError.error : error;
      });
  }

  /**
   * Reads in slices of `SLICE` bytes, not whole chunks: node-postgres receives `bytea` as hex
   * text, so a 1 MiB chunk would pass through a 2 MiB string; 32 KiB slices keep every string
   * and buffer of a download small enough to be collected young (a 256 MiB download otherwise
   * grew the process by 50 to 110 MiB of garbage between collections).
   */
  read(artifactId: string): Readable {
    const db = this.db;
    let n = 0;
    let offset = 0;
    return new Readable({
      // `_read` is not called again before it pushes: one query in flight, one slice at a time.
      read() {
        db.query<{ data: Buffer; size: number }>(READ_SLICE, [
          artifactId,
          n,
          offset + 1,
          SLICE,
        ]).then(
          ({ rows }) => {
            if (this.destroyed) return;
            const row = rows[0];
            if (row === undefined && n === 0) {
              this.destroy(contentNotFound(artifactId));
            } else if (row === undefined || row.data.length === 0) {
              this.push(null);
            } else {
              offset += row.data.length;
              if (offset >= row.size) {
                n++;
                offset = 0;
              }
              this.push(row.data);
            }
          },
          (error: unknown) => this.destroy(error as Error),
        );
      },
    });
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async remove(artifactId: string): Promise<void> {
    await this.db.query(DELETE_CHUNKS, [artifactId]);
  }

  /** Deletes content older than a day that no artifact record points at (see the query). */
  async removeOrphans(): Promise<number> {
    return (await this.db.query(DELETE_ORPHAN_CHUNKS)).rowCount ?? 0;
  }

  /** Removes the temporary directory (uploads still in it were never acknowledged). */
  async dispose(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
  }
}

/** Numbers the chunks of one content inside its transaction. */
class ChunkWriter {
  private n = 0;
  private size = 0;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly artifactId: string,
  ) {}

  /** Clears any earlier content of the id (a write retried after its first answer was lost). */
  async start(): Promise<void> {
    await this.client.query(DELETE_CHUNKS, [this.artifactId]);
  }

  async insert(bytes: Buffer): Promise<void> {
    await this.client.query(INSERT_CHUNK, [this.artifactId, this.n++, bytes]);
    this.size += bytes.length;
  }

  /** Stores chunk 0 empty when nothing was written, and returns the size. */
  async finish(): Promise<number> {
    if (this.n === 0) await this.insert(Buffer.alloc(0));
    return this.size;
  }
}

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
async function readFull(handle: FileHandle, buffer: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function toBuffer(data: string | Uint8Array): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function contentNotFound(artifactId: string): Error {
  return Object.assign(new Error(`The content of artifact '${artifactId}' was not found.`), {
    code: 'ENOENT',
  });
}
