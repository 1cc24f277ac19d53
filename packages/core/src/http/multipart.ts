import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AgentProtocolError } from '../errors.js';
import type { ArtifactFiles } from '../store/artifact-files.js';
import { contentType } from './body.js';
import type { CoreRequest } from './types.js';

/**
 * Browsers write `"`, CR and LF in a form's file name as `%22`, `%0D` and `%0A` (the HTML
 * standard's multipart/form-data encoding) and busboy hands them on as sent: decoded here so a
 * file uploaded from a page keeps its name. Nothing else is percent-decoded.
 */
export function formFileName(raw: string): string {
  return raw.replace(/%22|%0D|%0A/gi, (code) => decodeURIComponent(code));
}

export interface ReceivedUpload {
  /** The uploaded bytes, in a temporary file the caller commits or discards. */
  tempPath: string;
  fileName: string;
  relativePath: string | null;
  fields: Record<string, string>;
}

const MAX_FIELD_BYTES = 64 * 1024;

/**
 * Streams a multipart upload's `file` part straight to a temporary file: memory stays bounded
 * whatever the size. Over `maxBytes` the upload is discarded and answered with 413.
 */
export async function receiveUpload(
  request: CoreRequest,
  files: ArtifactFiles,
  maxBytes: number,
): Promise<ReceivedUpload> {
  if (!contentType(request).startsWith('multipart/form-data')) {
    throw new AgentProtocolError(
      'unsupported_media_type',
      'Upload an artifact as multipart/form-data with a "file" part.',
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers as Record<string, string>,
      preservePath: true,
      defParamCharset: 'utf8',
      // busboy reports the limit when a file reaches fileSize; exactly maxBytes is allowed.
      limits: {
        fileSize: maxBytes + 1,
        files: 1,
        fields: 16,
        fieldSize: MAX_FIELD_BYTES,
        parts: 32,
      },
    });
  } catch (error) {
    throw new AgentProtocolError(
      'bad_request',
      `Malformed multipart request: ${(error as Error).message}.`,
    );
  }

  const fields: Record<string, string> = {};
  let upload: { tempPath: string; fileName: string; written: Promise<void> } | undefined;
  let failure: AgentProtocolError | undefined;
  const fail = (error: AgentProtocolError) => {
    failure ??= error;
  };

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated)
      fail(
        new AgentProtocolError(
          'payload_too_large',
          `Form field '${name}' is larger than ${MAX_FIELD_BYTES} bytes.`,
        ),
      );
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || upload) {
      stream.resume();
      fail(
        AgentProtocolError.invalid([
          {
            location: 'body',
            field: name,
            rule: 'maxItems',
            message: 'is not expected: send exactly one part named "file"',
          },
        ]),
      );
      return;
    }
    const tempPath = files.tempPath();
    stream.on('limit', () =>
      fail(
        new AgentProtocolError(
          'payload_too_large',
          `Artifact is larger than the ${maxBytes}-byte upload limit.`,
        ),
      ),
    );
    upload = {
      tempPath,
      fileName: info.filename === undefined ? 'file' : formFileName(info.filename),
      written: pipeline(stream, createWriteStream(tempPath)),
    };
  });
  parser.on('filesLimit', () =>
    fail(
      AgentProtocolError.invalid([
        { location: 'body', field: 'file', rule: 'maxItems', message: 'must be a single file' },
      ]),
    ),
  );
  parser.on('partsLimit', () =>
    fail(new AgentProtocolError('payload_too_large', 'Too many parts in the multipart body.')),
  );
  parser.on('fieldsLimit', () =>
    fail(new AgentProtocolError('payload_too_large', 'Too many fields in the multipart body.')),
  );

  try {
    await pipeline(request.body, parser);
    await upload?.written;
  } catch (error) {
    fail(
      new AgentProtocolError(
        'bad_request',
        `Malformed multipart body: ${(error as Error).message}.`,
      ),
    );
    await upload?.written.catch(() => undefined);
  }

  if (!failure && !upload) {
    fail(
      AgentProtocolError.invalid([
        {
          location: 'body',
          field: 'file',
          rule: 'required',
          message: 'is required (a file part named "file")',
        },
      ]),
    );
  }
  if (failure) {
    if (upload) await files.discard(upload.tempPath);
    throw failure;
  }
  const rel = fields.relative_path;
  return {
    tempPath: upload!.tempPath,
    fileName: upload!.fileName,
    relativePath: rel === undefined || rel === '' ? null : rel,
    fields,
  };
}
