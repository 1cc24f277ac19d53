import { ALL_BYTE_VALUES } from '../bytes.js';
import type { ConformanceCase } from '../case.js';
import { CONFORMANCE_LIMITS } from '../limits.js';
import { artifactShape, error, invalid, pagination, UUID } from '../shapes.js';
import {
  ARTIFACTS,
  field,
  file,
  get,
  newTask,
  newUpload,
  TASK,
  TASKS,
  UNKNOWN_ID,
  upload,
} from './requests.js';

const DOWNLOAD = `${ARTIFACTS}/{artifact_id}`;
const LIMIT = CONFORMANCE_LIMITS.maxUploadBytes;
const UNICODE_NAME = 'résumé ✓ 日本.txt';
const encodedName = encodeURIComponent(UNICODE_NAME).replace(/\./g, '\\.');

/** uploadAgentTaskArtifacts, listAgentTaskArtifacts, downloadAgentTaskArtifact. */
export const artifactCases: ConformanceCase[] = [
  {
    name: 'upload a file without relative_path: 200, listed, downloadable byte-exact',
    setup: [newTask()],
    given: upload([file('some notes\n', 'notes.txt')]),
    want: {
      status: 200,
      json: {
        ...artifactShape,
        artifact_id: UUID,
        agent_created: false,
        file_name: 'notes.txt',
        relative_path: null,
      },
    },
    bind: { artifact_id: 'artifact_id' },
    then: [
      {
        given: get(DOWNLOAD),
        want: {
          status: 200,
          headers: {
            'content-type': /^application\/octet-stream/,
            'content-length': '11',
            'content-disposition': /^attachment;.*filename="notes\.txt"/,
          },
          bodyBytes: 'some notes\n',
        },
      },
      {
        given: get(ARTIFACTS),
        want: {
          status: 200,
          json: {
            artifacts: [
              {
                artifact_id: '{artifact_id}',
                agent_created: false,
                file_name: 'notes.txt',
                relative_path: null,
              },
            ],
            pagination: pagination(1, 1, 1, 10),
          },
        },
      },
      {
        given: get(TASK),
        want: {
          status: 200,
          json: { artifacts: [{ artifact_id: '{artifact_id}', file_name: 'notes.txt' }] },
        },
      },
    ],
  },
  {
    name: 'upload with relative_path sent before the file',
    setup: [newTask()],
    given: upload([field('relative_path', 'docs/sub'), file('x', 'a.md')]),
    want: {
      status: 200,
      json: { agent_created: false, file_name: 'a.md', relative_path: 'docs/sub' },
    },
  },
  {
    name: 'upload with relative_path sent after the file',
    setup: [newTask()],
    given: upload([file('x', 'a.md'), field('relative_path', 'docs/sub')]),
    want: { status: 200, json: { file_name: 'a.md', relative_path: 'docs/sub' } },
  },
  {
    name: 'upload with an empty relative_path: relative_path is null',
    setup: [newTask()],
    given: upload([file('x', 'a.md'), field('relative_path', '')]),
    want: { status: 200, json: { file_name: 'a.md', relative_path: null } },
  },
  {
    name: 'upload every byte value: the download is byte-exact',
    setup: [newTask()],
    given: upload([file(ALL_BYTE_VALUES, 'bytes.bin')]),
    want: { status: 200, json: { file_name: 'bytes.bin' } },
    bind: { artifact_id: 'artifact_id' },
    then: [
      {
        given: get(DOWNLOAD),
        want: { status: 200, headers: { 'content-length': '256' }, bodyBytes: ALL_BYTE_VALUES },
      },
    ],
  },
  {
    name: 'upload an empty file: 200, and the download is empty',
    setup: [newTask()],
    given: upload([file('', 'empty.txt')]),
    want: { status: 200, json: { file_name: 'empty.txt' } },
    bind: { artifact_id: 'artifact_id' },
    then: [
      {
        given: get(DOWNLOAD),
        want: { status: 200, headers: { 'content-length': '0' }, bodyBytes: '' },
      },
    ],
  },
  {
    name: `upload exactly the size limit (${LIMIT} bytes): 200`,
    setup: [newTask()],
    given: upload([file({ fill: 0x41, size: LIMIT }, 'limit.bin')]),
    want: { status: 200, json: { file_name: 'limit.bin' } },
    bind: { artifact_id: 'artifact_id' },
    then: [{ given: get(DOWNLOAD), want: { status: 200, bodyBytes: { fill: 0x41, size: LIMIT } } }],
  },
  {
    name: 'upload one byte over the size limit: 413, and nothing recorded',
    setup: [newTask()],
    given: upload([file({ fill: 0x42, size: LIMIT + 1 }, 'big.bin')]),
    want: { status: 413, json: error('payload_too_large') },
    then: [
      {
        given: get(ARTIFACTS),
        want: { status: 200, json: { artifacts: [], pagination: { total_items: 0 } } },
      },
    ],
  },
  {
    name: 'upload four times the size limit: 413, and nothing recorded',
    setup: [newTask()],
    given: upload([file({ fill: 0x43, size: LIMIT * 4 }, 'huge.bin')]),
    want: { status: 413, json: error('payload_too_large') },
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  },
  {
    name: 'upload a file with a non-ASCII name: the name is kept; the download says it with filename*=',
    setup: [newTask()],
    given: upload([file('x', UNICODE_NAME)]),
    want: { status: 200, json: { file_name: UNICODE_NAME } },
    bind: { artifact_id: 'artifact_id' },
    then: [
      {
        given: get(DOWNLOAD),
        want: {
          status: 200,
          headers: {
            'content-disposition': new RegExp(
              `^attachment; filename="[ -~]*"; filename\\*=UTF-8''${encodedName}$`,
            ),
          },
          bodyBytes: 'x',
        },
      },
    ],
  },
  {
    name: 'upload whose part names the file with filename*= (RFC 5987): the decoded name is kept',
    setup: [newTask()],
    given: {
      method: 'POST',
      path: ARTIFACTS,
      headers: { 'content-type': 'multipart/form-data; boundary=conformance-boundary' },
      rawBody: [
        '--conformance-boundary',
        `Content-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent('naïve ✓.txt')}`,
        'Content-Type: text/plain',
        '',
        'hello',
        '--conformance-boundary--',
        '',
      ].join('\r\n'),
    },
    want: { status: 200, json: { file_name: 'naïve ✓.txt', relative_path: null } },
  },
  {
    name: "download of a name with ' ( ): filename*= percent-encodes them (RFC 5987 attr-char)",
    setup: [newTask(), newUpload([file('v2', "it's (v2).txt")])],
    given: get(DOWNLOAD),
    want: {
      status: 200,
      headers: { 'content-disposition': /filename\*=UTF-8''it%27s%20%28v2%29\.txt$/ },
      bodyBytes: 'v2',
    },
  },
  {
    name: 'upload without a file part: 422 naming file',
    setup: [newTask()],
    given: upload([field('relative_path', 'docs')]),
    want: { status: 422, json: invalid('file') },
  },
  {
    name: 'upload with two files: 422, and nothing recorded',
    setup: [newTask()],
    given: upload([file('one', 'one.txt'), file('two', 'two.txt')]),
    want: { status: 422, json: error('validation_failed') },
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  },
  {
    name: 'upload where "file" is a plain field, not a file: 422',
    setup: [newTask()],
    given: upload([field('file', 'not a file')]),
    want: { status: 422, json: invalid('file') },
  },
  {
    name: 'upload with the file under another part name: 422',
    setup: [newTask()],
    given: upload([{ field: 'document', filename: 'a.txt', content: 'x' }]),
    want: { status: 422, json: error('validation_failed') },
  },
  {
    name: 'upload a JSON body to the artifacts endpoint: 415',
    setup: [newTask()],
    given: { method: 'POST', path: ARTIFACTS, json: { file: 'x' } },
    want: { status: 415, json: error('unsupported_media_type') },
  },
  {
    name: 'upload multipart without a boundary: 400',
    setup: [newTask()],
    given: {
      method: 'POST',
      path: ARTIFACTS,
      headers: { 'content-type': 'multipart/form-data' },
      rawBody: 'x',
    },
    want: { status: 400, json: error('bad_request') },
  },
  {
    name: 'upload a truncated multipart body: 400, and nothing recorded',
    setup: [newTask()],
    given: {
      method: 'POST',
      path: ARTIFACTS,
      headers: { 'content-type': 'multipart/form-data; boundary=cut' },
      rawBody:
        '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\npartial con',
    },
    want: { status: 400, json: error('bad_request') },
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  },
  {
    name: 'upload to an unknown task: 404',
    given: upload([file('x')], `${TASKS}/${UNKNOWN_ID}/artifacts`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'list the artifacts of an unknown task: 404',
    given: get(`${TASKS}/${UNKNOWN_ID}/artifacts`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'download an unknown artifact: 404',
    setup: [newTask()],
    given: get(`${ARTIFACTS}/${UNKNOWN_ID}`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'download an artifact id that is not a UUID: 404',
    setup: [newTask()],
    given: get(`${ARTIFACTS}/..%2F..%2Fagent.db`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: "download another task's artifact through this task: 404",
    setup: [
      newTask({ input: 'a' }, 'a'),
      newTask({ input: 'b' }),
      newUpload([file('of b')], 'b_artifact'),
    ],
    given: get('/ap/v1/agent/tasks/{a}/artifacts/{b_artifact}'),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'download from an unknown task: 404',
    given: get(`${TASKS}/${UNKNOWN_ID}/artifacts/${UNKNOWN_ID}`),
    want: { status: 404, json: error('not_found') },
  },
];
