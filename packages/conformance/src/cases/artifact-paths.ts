import type { CaseRequest, ConformanceCase } from '../case.js';
import { error, invalid } from '../shapes.js';
import { ARTIFACTS, field, file, get, newTask, upload } from './requests.js';

/**
 * Artifact names that try to escape the storage root. Policy: reject with 422, never rewrite.
 * Each upload carries a name of its own so `absentFiles` can check where a naive server (one
 * joining `relative_path` and the file name onto its data dir) would have written it.
 */

const ESCAPE = 'escaped-by-conformance.txt';
/** Where `../`-style names land when joined onto the data dir or a folder inside it. */
const ESCAPE_TARGETS = [
  ESCAPE,
  `../${ESCAPE}`,
  `../../${ESCAPE}`,
  `../../../${ESCAPE}`,
  `artifacts/${ESCAPE}`,
];

function rejectedRelativePath(label: string, relativePath: string): ConformanceCase {
  return {
    name: `upload with relative_path ${label}: 422, and nothing lands outside the data dir`,
    setup: [newTask()],
    given: upload([field('relative_path', relativePath), file('escape attempt', ESCAPE)]),
    want: { status: 422, json: invalid('relative_path'), absentFiles: ESCAPE_TARGETS },
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  };
}

/** A multipart body naming its file with RFC 5987 `filename*=`, which can carry any byte. */
function encodedNameUpload(fileName: string): CaseRequest {
  return {
    method: 'POST',
    path: ARTIFACTS,
    headers: { 'content-type': 'multipart/form-data; boundary=conformance-boundary' },
    rawBody: [
      '--conformance-boundary',
      `Content-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      '',
      'escape attempt',
      '--conformance-boundary--',
      '',
    ].join('\r\n'),
  };
}

function rejectedFileName(
  label: string,
  fileName: string,
  encoding: 'plain' | 'rfc5987' = 'plain',
): ConformanceCase {
  return {
    name: `upload with file name ${label}: 422, and nothing lands outside the data dir`,
    setup: [newTask()],
    given:
      encoding === 'plain'
        ? upload([file('escape attempt', fileName)])
        : encodedNameUpload(fileName),
    want: {
      status: 422,
      json: invalid('file_name'),
      absentFiles: [...ESCAPE_TARGETS, '../x', '../../x', 'x'],
    },
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  };
}

export const artifactPathCases: ConformanceCase[] = [
  rejectedRelativePath("'..'", '..'),
  rejectedRelativePath("'../'", '../'),
  rejectedRelativePath("'../..'", '../..'),
  rejectedRelativePath("'a/../../b'", 'a/../../b'),
  rejectedRelativePath("'/etc/passwd' (absolute)", '/etc/passwd'),
  rejectedRelativePath("'C:\\\\x' (drive letter, backslash)", 'C:\\x'),
  rejectedRelativePath("'C:/x' (drive letter)", 'C:/x'),
  rejectedRelativePath("'..\\\\x' (backslash)", '..\\x'),
  rejectedRelativePath("'~/x' (home)", '~/x'),
  rejectedRelativePath('holding a NUL byte', 'a\u0000b'),
  rejectedFileName("'../x'", `../${ESCAPE}`),
  rejectedFileName("'../x' sent as filename*=", `../${ESCAPE}`, 'rfc5987'),
  rejectedFileName("'..\\\\x'", `..\\${ESCAPE}`),
  rejectedFileName("'/etc/passwd'", '/etc/passwd'),
  rejectedFileName("'..'", '..'),
  rejectedFileName(
    'holding a percent-encoded NUL byte (filename*=)',
    `x\u0000${ESCAPE}`,
    'rfc5987',
  ),
  {
    // A raw NUL inside a part's header makes the header itself malformed (RFC 9110 field values
    // exclude NUL), so the part cannot be read at all: 400, where an encoded NUL is a bad name (422).
    name: 'upload with a raw NUL byte in the part header: 400, and nothing lands outside the data dir',
    setup: [newTask()],
    given: upload([file('escape attempt', `x\u0000${ESCAPE}`)]),
    want: { status: 400, json: error('bad_request'), absentFiles: ESCAPE_TARGETS },
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  },
  {
    name: 'upload with a 2000-byte relative_path: 422',
    setup: [newTask()],
    given: upload([field('relative_path', 'a/'.repeat(1000)), file('x', 'long.txt')]),
    want: { status: 422, json: invalid('relative_path') },
  },
  {
    name: 'upload with a 300-byte file name: 422',
    setup: [newTask()],
    given: upload([file('x', `${'n'.repeat(296)}.txt`)]),
    want: { status: 422, json: invalid('file_name') },
  },
  {
    name: 'upload with a non-ASCII relative_path: kept as sent',
    setup: [newTask()],
    given: upload([field('relative_path', 'dossier/été ✓'), file('x', 'a.txt')]),
    want: { status: 200, json: { file_name: 'a.txt', relative_path: 'dossier/été ✓' } },
  },
  {
    name: 'upload with a relative_path that only looks like traversal (a/..b/c.d): 200',
    setup: [newTask()],
    given: upload([field('relative_path', 'a/..b/c.d'), file('fine', '..notes')]),
    want: { status: 200, json: { file_name: '..notes', relative_path: 'a/..b/c.d' } },
  },
];
