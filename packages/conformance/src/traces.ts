import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { encodedForms } from './check.js';

/** Every file under `dir`, recursively (the SQLite database with its -wal and -shm included). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Where a value that must stay secret (a secret value, an access or refresh token) shows up in a
 * data dir or a log, in any of its forms: as it is, base64, base64url, hex (and, in files, UTF-16).
 * Each trace names the value by its position and the form, never the value itself. Throws when
 * the data dir holds no file: then nothing was stored and the search proves nothing.
 */
export async function tracesIn(
  dataDir: string,
  log: readonly string[],
  values: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  const files = await filesUnder(dataDir);
  if (files.length === 0) throw new Error('the data dir holds no file at all: nothing was stored');
  for (const [v, value] of values.entries()) {
    const logForms = encodedForms(value);
    // A store could also write text as UTF-16.
    const fileForms = [...logForms.map((f) => Buffer.from(f)), Buffer.from(value, 'utf16le')];
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch {
        continue; // removed since it was listed (a temporary file)
      }
      fileForms.forEach((form, f) => {
        if (bytes.includes(form))
          out.push(`value ${v + 1}, form ${f + 1}: in the file ${relative(dataDir, file)}`);
      });
    }
    log.forEach((line, l) => {
      const f = logForms.findIndex((form) => line.includes(form));
      if (f !== -1) out.push(`value ${v + 1}, form ${f + 1}: in log line ${l + 1}`);
    });
  }
  return out;
}
