import { AgentProtocolError, type ValidationIssue } from './errors.js';

/**
 * `file_name` and `relative_path` are metadata: files are stored under server-chosen names, so
 * these never touch the file system. We still reject anything that would be a traversal if a
 * client or agent ever joined them onto a path, so that no stored artifact carries one.
 * Policy: reject (422), never silently rewrite.
 */

// Control characters, including NUL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function issue(field: string, rule: string, message: string): ValidationIssue {
  return { location: 'body', field, rule, message };
}

export function fileNameProblem(name: string, field = 'file_name'): ValidationIssue | undefined {
  if (name.length === 0) return issue(field, 'minLength', 'must not be empty');
  if (Buffer.byteLength(name) > 255) return issue(field, 'maxLength', 'must be at most 255 bytes');
  if (CONTROL.test(name))
    return issue(field, 'pattern', 'must not contain NUL or control characters');
  if (name.includes('/') || name.includes('\\'))
    return issue(
      field,
      'pattern',
      'must be a plain name without / or \\ (put directories in relative_path)',
    );
  if (name === '.' || name === '..') return issue(field, 'pattern', "must not be '.' or '..'");
  return undefined;
}

export function relativePathProblem(
  path: string,
  field = 'relative_path',
): ValidationIssue | undefined {
  if (Buffer.byteLength(path) > 1024)
    return issue(field, 'maxLength', 'must be at most 1024 bytes');
  if (CONTROL.test(path))
    return issue(field, 'pattern', 'must not contain NUL or control characters');
  if (path.includes('\\')) return issue(field, 'pattern', 'must use / as separator, not \\');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('~'))
    return issue(field, 'pattern', 'must be relative (no leading /, drive letter or ~)');
  if (path.split('/').some((segment) => segment === '..'))
    return issue(field, 'pattern', "must not contain a '..' segment");
  return undefined;
}

/** Throws a 422 naming every problem with an artifact's name and path. */
export function assertArtifactLocation(fileName: string, relativePath: string | null): void {
  const issues = [
    fileNameProblem(fileName),
    relativePath === null ? undefined : relativePathProblem(relativePath),
  ].filter((i): i is ValidationIssue => i !== undefined);
  if (issues.length > 0) throw AgentProtocolError.invalid(issues);
}
