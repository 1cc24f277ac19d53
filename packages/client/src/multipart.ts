/** What `artifacts.upload` accepts: bytes in memory, a Blob (a File), or a stream of bytes. */
export type UploadSource =
  Blob | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** A `multipart/form-data` request body and its content type. */
export interface MultipartBody {
  body: Blob | ReadableStream<Uint8Array>;
  contentType: string;
  /** False for a stream: it can be read once only. */
  replayable: boolean;
}

/**
 * A file name as a quoted-string (RFC 7578, RFC 9110): `"` and `\` backslash-escaped, which
 * busboy (what Node servers parse forms with) reads back as written; browsers' `%22` is not
 * decoded there. Line breaks cannot be in a header: percent-encoded as browsers do.
 */
const quoted = (value: string) =>
  `"${value.replace(/[\\"]/g, '\\$&').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

function boundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `----agent-protocol-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const isReadableStream = (value: unknown): value is ReadableStream<Uint8Array> =>
  typeof (value as ReadableStream | undefined)?.getReader === 'function';

/** The chunks of a stream or async iterable, read one at a time as the request body is sent. */
async function* chunks(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>) {
  if (!isReadableStream(source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The upload form (`file`, then `relative_path` when given) around the source's bytes. Bytes and
 * Blobs become one Blob (a file-backed Blob stays on disk, and the length is known); a stream
 * becomes a stream that pulls the source only as fast as the request is sent, so memory stays
 * bounded whatever the size.
 */
export function multipartBody(
  source: UploadSource,
  fileName: string,
  relativePath: string | undefined,
): MultipartBody {
  const b = boundary();
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${b}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(fileName)}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const path =
    relativePath === undefined
      ? ''
      : `\r\n--${b}\r\nContent-Disposition: form-data; name="relative_path"\r\n\r\n${relativePath}`;
  const tail = encoder.encode(`${path}\r\n--${b}--\r\n`);
  const contentType = `multipart/form-data; boundary=${b}`;

  if (source instanceof Blob || source instanceof Uint8Array) {
    return { body: new Blob([head, source as BlobPart, tail]), contentType, replayable: true };
  }
  const parts = chunks(source);
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(head);
        return;
      }
      const next = await parts.next();
      if (next.done) {
        controller.enqueue(tail);
        controller.close();
      } else if (next.value.byteLength > 0) {
        controller.enqueue(next.value);
      }
    },
    async cancel(reason) {
      await parts.return?.(undefined);
      if (isReadableStream(source)) await source.cancel(reason).catch(() => undefined);
    },
  });
  return { body, contentType, replayable: false };
}
