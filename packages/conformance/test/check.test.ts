import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { check, conformanceCases, LEAK_MARKER, runCase, type Observed } from '../src/index.js';

const observed = (status: number, contentType: string, body: string): Observed => ({
  status,
  headers: { 'content-type': contentType },
  body: Buffer.from(body),
  json: contentType.includes('json') ? JSON.parse(body) : undefined,
});

describe('check', () => {
  it('holds every error to JSON with a message, no HTML, no stack, no leaked cause', () => {
    expect(check(observed(404, 'application/json', '{"message":"nope"}'), { status: 404 })).toEqual(
      [],
    );
    expect(
      check(observed(404, 'text/html', '<html>Cannot GET</html>'), { status: 404 }),
    ).toHaveLength(3);
    const stack = JSON.stringify({ message: 'boom\n    at handler (/app/x.js:1:1)' });
    expect(check(observed(500, 'application/json', stack), { status: 500 })).toHaveLength(1);
    const leak = JSON.stringify({ message: `failed: ${LEAK_MARKER}` });
    expect(check(observed(500, 'application/json', leak), { status: 500 })).toHaveLength(1);
  });

  it('reports where bytes first differ', () => {
    const got = { ...observed(200, 'application/octet-stream', 'abcd'), json: undefined };
    expect(check(got, { status: 200, bodyBytes: 'abXd' })).toEqual([
      'body bytes: expected 4 bytes, got 4; first difference at byte 2',
    ]);
  });
});

describe('the fixture', () => {
  it('fails every case against a server that answers everything with an HTML page', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const testCase of conformanceCases) {
        const outcome = await runCase(baseUrl, testCase);
        expect(outcome.problems, testCase.name).not.toEqual([]);
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 60_000);
});
