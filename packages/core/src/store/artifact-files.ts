import type { Readable } from 'node:stream';

/**
 * Where artifact bytes live: files in the data directory (the embedded default), or a shared
 * store's own storage (rows of a database), so that replicas share nothing but the store.
 *
 * Bytes are written before their artifact record, and a write is durable when its promise
 * resolves: a record never points at missing or half-written bytes.
 */
export interface ArtifactFiles {
  /** A fresh local temporary path for an upload being received (removed by `commit`/`discard`). */
  tempPath(): string;
  /** Moves a finished temporary file to the artifact's content, durably. Returns the size. */
  commit(tempPath: string, artifactId: string): Promise<number>;
  /** Writes bytes (or a stream) as the artifact's content, durably, in bounded memory. Returns the size. */
  write(artifactId: string, data: string | Uint8Array | Readable): Promise<number>;
  /** The artifact's content as a stream, read in bounded memory. */
  read(artifactId: string): Readable;
  /** Removes a temporary file (an upload that was refused). */
  discard(tempPath: string): Promise<void>;
  /** Removes an artifact's content (its step failed or paused, so it was never recorded). */
  remove(artifactId: string): Promise<void>;
}
