import { CONFORMANCE_LIMITS } from '../limits.js';
import type { ConformanceCase } from '../case.js';

/**
 * Cases that cannot judge a server found at a URL, each with the reason the report gives, and
 * cases whose expected status is one answer among several the protocol allows. Listed by name:
 * `checkRequirements` fails loudly when a name no longer exists, so a renamed case cannot slip
 * back in unnoticed.
 */

const limits = `written against the fixture's limits (uploads up to ${CONFORMANCE_LIMITS.maxUploadBytes} bytes, JSON bodies up to ${CONFORMANCE_LIMITS.maxJsonBytes} bytes and ${CONFORMANCE_LIMITS.maxJsonDepth} levels deep, pages of at most ${CONFORMANCE_LIMITS.maxPageSize}): a server started with other limits (every deployment chooses its own) answers differently, rightly`;

/** The edges of the limits a server is started with: the fixture starts its own with them. */
const NEEDS_FIXTURE_LIMITS = [
  'upload exactly the size limit (1048576 bytes): 200',
  'upload one byte over the size limit: 413, and nothing recorded',
  'upload four times the size limit: 413, and nothing recorded',
  "pagination: a huge page_size is served as the server's maximum (100) and says so",
  'secrets pagination: a huge page_size is served as the maximum and says so',
  'a JSON body of exactly the limit (131072 bytes) is accepted',
  'a JSON body one byte over the limit: 413',
  'a JSON body far over the limit creating a task: 413',
  'secrets: a body over the JSON limit holding a value: 413 that does not quote it, nothing stored',
  'JSON depth: a task whose additional_input nests 10,000 objects: 400 json_too_deep naming the limit, no task',
  'JSON depth: a task whose additional_input holds 10,000 nested arrays: 400 json_too_deep, no task',
  'JSON depth: a task 1,000 levels deep: 400 json_too_deep, no task',
  'JSON depth: a task exactly 64 levels deep is taken and served back as sent',
  'JSON depth: a task 65 levels deep: 400 json_too_deep, no task',
  'JSON depth: a step whose additional_input nests 10,000 objects: 400 json_too_deep, no step',
  'JSON depth: a step exactly 64 levels deep is taken and served back as sent',
  'JSON depth: a step 65 levels deep: 400 json_too_deep, no step',
  'JSON depth: a function result whose output nests 10,000 arrays: 400 json_too_deep, nothing recorded, the call still outstanding',
  'JSON depth: a function result 65 levels deep: 400 json_too_deep, nothing recorded, the call still outstanding',
  'JSON depth: a function result exactly 64 levels deep is taken and served back as sent',
  'JSON depth: a secret request nesting 10,000 objects: 400 json_too_deep, no secret',
];

const policy =
  "this project's own policy where the protocol leaves the choice to the server (PROTOCOL.md and the spec fix no answer here)";

/**
 * What this project decided where the protocol is silent. The spec fixes 422 for a
 * `relative_path` with `..` segments or an absolute path; what a server does with a file name,
 * with Windows-looking paths on POSIX, with long names or with an empty `relative_path` is its
 * own business, as long as nothing escapes its storage (which a URL cannot see).
 */
const PROJECT_POLICY = [
  String.raw`upload with relative_path 'C:\\x' (drive letter, backslash): 422, and nothing lands outside the data dir`,
  "upload with relative_path 'C:/x' (drive letter): 422, and nothing lands outside the data dir",
  String.raw`upload with relative_path '..\\x' (backslash): 422, and nothing lands outside the data dir`,
  "upload with relative_path '~/x' (home): 422, and nothing lands outside the data dir",
  'upload with relative_path holding a NUL byte: 422, and nothing lands outside the data dir',
  "upload with file name '../x': 422, and nothing lands outside the data dir",
  "upload with file name '../x' sent as filename*=: 422, and nothing lands outside the data dir",
  String.raw`upload with file name '..\\x': 422, and nothing lands outside the data dir`,
  "upload with file name '/etc/passwd': 422, and nothing lands outside the data dir",
  "upload with file name '..': 422, and nothing lands outside the data dir",
  'upload with file name holding a percent-encoded NUL byte (filename*=): 422, and nothing lands outside the data dir',
  'upload with a 2000-byte relative_path: 422',
  'upload with a 300-byte file name: 422',
  'upload with an empty relative_path: relative_path is null',
  'upload with two files: 422, and nothing recorded',
  // RFC 7578 section 4.2: filename* MUST NOT be used in multipart/form-data; taking it is a favour.
  'upload whose part names the file with filename*= (RFC 5987): the decoded name is kept',
];

/**
 * Cases about a server without auth: with `--token` the server requires credentials, and its
 * discovery document is only the public part of the info (PROTOCOL.md section 7).
 */
const NEEDS_NO_AUTH = [
  'discovery at /.well-known/agent-protocol: 200 JSON, the agent info plus endpoints.v1, cacheable',
];
const noAuth =
  'expects a server without auth (its discovery document holds the whole info), and this run has a token';

/**
 * Requests the protocol only requires to be refused with a clear 4xx JSON error (PROTOCOL.md
 * section 6: "bad input of every kind answered with a clear 4xx"), not with one status.
 */
const ANY_CLIENT_ERROR = [400, 404, 422];
const RELAXED_STATUS: Record<string, number[]> = {
  'a path segment that is not valid percent-encoding: 400 JSON': ANY_CLIENT_ERROR,
  'download an artifact id that is not a UUID: 404': ANY_CLIENT_ERROR,
};

const reasons = new Map<string, string>([
  ...NEEDS_FIXTURE_LIMITS.map((name) => [name, limits] as const),
  ...PROJECT_POLICY.map((name) => [name, policy] as const),
]);

/** Why a case cannot judge a server found by URL, or undefined when it can. */
export const urlSkipReason = (name: string, withToken: boolean): string | undefined =>
  reasons.get(name) ?? (withToken && NEEDS_NO_AUTH.includes(name) ? noAuth : undefined);

/** The statuses the protocol allows where a case expects one of them, or undefined. */
export const relaxedStatuses = (name: string): readonly number[] | undefined =>
  RELAXED_STATUS[name];

/** Throws when a name listed here is no case's: the lists must follow renames. */
export function checkRequirements(cases: readonly ConformanceCase[]): void {
  const names = new Set(cases.map((c) => c.name));
  const unknown = [...reasons.keys(), ...NEEDS_NO_AUTH, ...Object.keys(RELAXED_STATUS)].filter(
    (n) => !names.has(n),
  );
  if (unknown.length > 0) {
    throw new Error(`url/requirements.ts names cases that do not exist: ${unknown.join('; ')}`);
  }
}
