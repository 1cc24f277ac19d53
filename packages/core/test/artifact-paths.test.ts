import { describe, expect, it } from 'vitest';
import {
  assertArtifactLocation,
  fileNameProblem,
  relativePathProblem,
} from '../src/artifact-paths.js';

describe('artifact names and paths', () => {
  it.each([
    '../x',
    '/etc/passwd',
    'a/../../b',
    'C:\\x',
    'c:/x',
    '..\\x',
    'a\u0000b',
    '~/x',
    'a\\b',
  ])('rejects relative_path %j', (path) => expect(relativePathProblem(path)).toBeDefined());

  it.each(['python/code', 'a/b/c/', './x', 'x..y/z', 'ünïcødé/dir'])(
    'accepts relative_path %j',
    (path) => expect(relativePathProblem(path)).toBeUndefined(),
  );

  it.each(['', '.', '..', 'a/b', 'a\\b', 'x\u0000.txt', 'x\n.txt', 'n'.repeat(256)])(
    'rejects file_name %j',
    (name) => expect(fileNameProblem(name)).toBeDefined(),
  );

  it.each(['main.py', 'résumé.pdf', '..hidden', 'a b.txt'])('accepts file_name %j', (name) =>
    expect(fileNameProblem(name)).toBeUndefined(),
  );

  it('throws one 422 naming both fields', () => {
    try {
      assertArtifactLocation('a/b', '../c');
      expect.unreachable();
    } catch (error) {
      const e = error as { status: number; issues: { field: string }[] };
      expect(e.status).toBe(422);
      expect(e.issues.map((i) => i.field)).toEqual(['file_name', 'relative_path']);
    }
  });
});
