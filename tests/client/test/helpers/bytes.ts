import { createHash } from 'node:crypto';

/**
 * `size` bytes of a fixed pattern, made on the fly one chunk at a time: a large upload whose
 * bytes were never all in memory at once, and that can be made again to compare with.
 */
export function patternStream(size: number, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) {
        controller.close();
        return;
      }
      const length = Math.min(chunkSize, size - sent);
      const chunk = new Uint8Array(length);
      for (let i = 0; i < length; i++) chunk[i] = ((sent + i) * 31 + 7) & 0xff;
      sent += length;
      controller.enqueue(chunk);
    },
  });
}

/** SHA-256 and length of a stream's bytes, read to the end. */
export async function digest(
  stream: ReadableStream<Uint8Array>,
): Promise<{ sha256: string; length: number }> {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    length += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), length };
}

/** All of a stream's bytes. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
