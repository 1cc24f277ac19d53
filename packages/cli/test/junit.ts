import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One `testcase` of a JUnit file, as an XML parser read it. */
export interface JunitCase {
  suite: string;
  name: string;
  failure?: string;
  skipped?: string;
}

// Python's expat (in the standard library of every python3) is a real XML parser: it refuses a
// file that is not well-formed, which a regular expression would not notice.
const READ = `
import json, sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
out = []
for suite in doc.getElementsByTagName('testsuite'):
    for case in suite.getElementsByTagName('testcase'):
        item = {'suite': suite.getAttribute('name'), 'name': case.getAttribute('name')}
        for f in case.getElementsByTagName('failure'):
            item['failure'] = f.getAttribute('message')
        for s in case.getElementsByTagName('skipped'):
            item['skipped'] = s.getAttribute('message')
        out.append(item)
print(json.dumps(out))
`;

/** Parses a JUnit file (throws when it is not well-formed XML) into its test cases. */
export async function readJunit(path: string): Promise<JunitCase[]> {
  const { stdout } = await run('python3', ['-c', READ, path]);
  return JSON.parse(stdout) as JunitCase[];
}
