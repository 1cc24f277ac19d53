// Node helpers over the main entry: files on disk in and out, streamed both ways.
import { createWriteStream } from 'node:fs';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { AgentProtocolClient } from './client.js';
import type { Artifact } from './types.js';

/** Options of {@link uploadFile}. */
export interface UploadFileOptions {
  /** The artifact's file name. @default the file's own name */
  fileName?: string;
  /** The folder it belongs in, relative to the task's root (`relative_path`). */
  relativePath?: string;
}

/**
 * Uploads a file as an artifact of the task. The file is read from disk as the request is sent
 * (a file-backed Blob: its length is known, nothing held in memory), and can be sent again after
 * a token refresh.
 */
export async function uploadFile(
  client: AgentProtocolClient,
  taskId: string,
  path: string,
  options: UploadFileOptions = {},
): Promise<Artifact> {
  const file = await openAsBlob(path);
  return client.artifacts.upload(taskId, file, {
    fileName: options.fileName ?? basename(path),
    ...(options.relativePath !== undefined && { relativePath: options.relativePath }),
  });
}

/** Downloads an artifact's bytes into a file (created or replaced), streamed to disk. */
export async function downloadToFile(
  client: AgentProtocolClient,
  taskId: string,
  artifactId: string,
  path: string,
): Promise<void> {
  const stream = await client.artifacts.download(taskId, artifactId);
  await pipeline(
    Readable.fromWeb(stream as NodeReadableStream<Uint8Array>),
    createWriteStream(path),
  );
}
