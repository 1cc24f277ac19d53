import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import { jsonTextTooDeep, jsonValueTooDeep } from '../src/http/body.js';
import { fromIncomingMessage, writeNodeResponse } from '../src/http/node.js';
import { createAgentProtocol, type AgentProtocol } from '../src/protocol.js';

/** `{"a":{"a":…{}…}}`: an object `levels` deep (`{}` is 1). */
const deepObjectText = (levels: number) =>
  '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
/** `[[…[]…]]`: an array `levels` deep. */
const deepArrayText = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

function deepObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

const tooDeep = (text: string, max: number) => jsonTextTooDeep(Buffer.from(text), max);

/** The depth of a JSON value, measured the obvious (recursive) way: the reference. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('jsonTextTooDeep', () => {
  it('counts objects and arrays open at once; exactly the limit passes', () => {
    expect(tooDeep('{}', 1)).toBe(false);
    expect(tooDeep('{"a":{}}', 1)).toBe(true);
    expect(tooDeep('{"a":[1,{"b":[]}],"c":{}}', 4)).toBe(false);
    expect(tooDeep('{"a":[1,{"b":[]}],"c":{}}', 3)).toBe(true);
    expect(tooDeep(deepObjectText(64), 64)).toBe(false);
    expect(tooDeep(deepObjectText(65), 64)).toBe(true);
    expect(tooDeep(deepArrayText(64), 64)).toBe(false);
    expect(tooDeep(deepArrayText(65), 64)).toBe(true);
    // Siblings do not add up: depth is what is open at once.
    expect(tooDeep(`[${Array(1000).fill('[[]]').join(',')}]`, 3)).toBe(false);
    expect(tooDeep('"just a string"', 1)).toBe(false);
    expect(tooDeep('12', 1)).toBe(false);
  });

  it('does not count brackets inside strings, short or long', () => {
    const brackets = '{{{{[[[[';
    expect(tooDeep(JSON.stringify({ a: brackets }), 1)).toBe(false);
    expect(tooDeep(JSON.stringify({ [brackets]: brackets.repeat(100) }), 1)).toBe(false);
    expect(tooDeep(JSON.stringify([brackets.repeat(1000), [brackets]]), 2)).toBe(false);
  });

  it('skips escaped quotes, and ends a string at a quote after an even run of backslashes', () => {
    for (const filler of ['', 'x'.repeat(40)]) {
      // "\"{{" : the escaped quote does not end the string, the brackets stay inside it.
      expect(tooDeep(`{"a":"${filler}\\"{{{"}`, 1)).toBe(false);
      // "\\" then {…}: two backslashes escape each other, the quote ends the string.
      expect(tooDeep(`{"a":"${filler}\\\\","b":{"c":{}}}`, 2)).toBe(true);
      expect(tooDeep(`{"a":"${filler}\\\\","b":{"c":{}}}`, 3)).toBe(false);
      // Three backslashes: an escaped backslash and an escaped quote, still inside.
      expect(tooDeep(`{"a":"${filler}\\\\\\"[[[[","b":{}}`, 2)).toBe(false);
      expect(tooDeep(`{"a":"${filler}\\\\\\"[[[[","b":{"c":{}}}`, 2)).toBe(true);
      // \u escapes and multi-byte characters are string contents like any other.
      expect(tooDeep(`{"a":"${filler}\\u007b\\u005b é ✓ 😀 {[","b":{}}`, 2)).toBe(false);
    }
  });

  it('agrees with a recursive measure on generated values', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['{', '}', '[', ']', '"', '\\', 'x', 'é', '😀', '\n', '\\"', ' '];
    const text = () =>
      Array.from(
        { length: Math.floor(random() * 50) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 12 || r < 0.3) return r < 0.15 ? text() : Math.floor(r * 100);
      if (r < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [text(), value(depth + 1)]),
      );
    };
    for (let i = 0; i < 500; i++) {
      const v = value(0);
      const depth = depthOf(v);
      const bytes = Buffer.from(JSON.stringify(v));
      for (const max of [depth - 1, depth, depth + 1].filter((m) => m >= 1)) {
        expect(jsonTextTooDeep(bytes, max)).toBe(depth > max);
        expect(jsonValueTooDeep(v, max)).toBe(depth > max);
      }
    }
  });
});

describe('jsonValueTooDeep', () => {
  it('measures a value of any depth without overflowing the stack', () => {
    expect(jsonValueTooDeep(deepObject(100_000), 64)).toBe(true);
    let array: unknown[] = [];
    for (let i = 1; i < 100_000; i++) array = [array];
    expect(jsonValueTooDeep(array, 64)).toBe(true);
  });

  it('passes exactly the limit, in objects and arrays', () => {
    expect(jsonValueTooDeep(deepObject(64), 64)).toBe(false);
    expect(jsonValueTooDeep(deepObject(65), 64)).toBe(true);
    expect(jsonValueTooDeep({ a: [{ b: [] }], c: 'x' }, 4)).toBe(false);
    expect(jsonValueTooDeep({ a: [{ b: [] }], c: 'x' }, 3)).toBe(true);
    expect(jsonValueTooDeep('scalar', 1)).toBe(false);
    expect(jsonValueTooDeep(null, 1)).toBe(false);
  });
});

describe('limits', () => {
  const agent = defineAgent({
    info: { name: 'echo', version: '1.0.0' },
    onStep: ({ input }) => ({ output: `echo: ${input}` }),
  });

  it('maxJsonDepth must be an integer from 1 to 1000', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'core-json-depth-'));
    try {
      for (const maxJsonDepth of [0, -1, 1.5, 1001, Number.NaN, Infinity]) {
        expect(() => createAgentProtocol({ agent, dataDir, limits: { maxJsonDepth } })).toThrow(
          /limits\.maxJsonDepth must be an integer from 1 to 1000/,
        );
      }
      for (const maxJsonDepth of [1, 1000]) {
        await createAgentProtocol({ agent, dataDir, limits: { maxJsonDepth } }).close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('the byte and page limits must be positive integers: a mistake refuses to start, naming the limit', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'core-limits-'));
    try {
      for (const name of ['maxUploadBytes', 'maxJsonBytes', 'maxPageSize'] as const) {
        for (const value of [0, -5, 2.5, Number.NaN, Infinity, '1mb' as unknown as number]) {
          expect(() => createAgentProtocol({ agent, dataDir, limits: { [name]: value } })).toThrow(
            new RegExp(`^limits\\.${name} must be a positive integer, not `),
          );
        }
        await createAgentProtocol({ agent, dataDir, limits: { [name]: 1 } }).close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  /**
   * A real server on 127.0.0.1: the core reading the body itself, or behind a JSON parser that
   * already read it (as express.json() or a Koa body parser does).
   */
  for (const parsedUpstream of [false, true]) {
    describe(parsedUpstream ? 'a body a parser already read' : 'a body the core reads', () => {
      let server: Server;
      let protocol: AgentProtocol;
      let dataDir: string;
      let base: string;

      async function readAll(req: IncomingMessage): Promise<string> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      }

      beforeAll(async () => {
        dataDir = await mkdtemp(join(tmpdir(), 'core-json-depth-'));
        protocol = createAgentProtocol({ agent, dataDir });
        server = createServer((req, res) => {
          void (async () => {
            const parsed =
              parsedUpstream && req.method === 'POST' ? JSON.parse(await readAll(req)) : undefined;
            const path = (req.url ?? '/').split('?')[0]!;
            await writeNodeResponse(
              res,
              await protocol.handle(fromIncomingMessage(req, path, parsed)),
            );
          })();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ap/v1/agent`;
      });

      afterAll(async () => {
        await new Promise((resolve) => server.close(resolve));
        await protocol.close();
        await rm(dataDir, { recursive: true, force: true });
      });

      const post = (path: string, body: string) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });

      const refused = async (response: Response) => {
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await response.json()) as { code: string; message: string };
        expect(body.code).toBe('json_too_deep');
        expect(body.message).toContain('64-level limit');
      };

      it('refuses a task whose additional_input nests 10,000 levels, and stores nothing', async () => {
        await refused(await post('/tasks', `{"additional_input":${deepObjectText(10_000)}}`));
        await refused(await post('/tasks', `{"additional_input":{"a":${deepArrayText(10_000)}}}`));
        const list = (await (await fetch(`${base}/tasks`)).json()) as {
          pagination: { total_items: number };
        };
        expect(list.pagination.total_items).toBe(0);
      });

      it('takes a body exactly 64 levels deep and serves it back as it was sent', async () => {
        const additional = deepObject(63); // the body's own object is level 1
        const created = await post('/tasks', JSON.stringify({ additional_input: additional }));
        expect(created.status).toBe(200);
        const task = (await created.json()) as { task_id: string; additional_input: unknown };
        expect(task.additional_input).toEqual(additional);
        const served = (await (await fetch(`${base}/tasks/${task.task_id}`)).json()) as {
          additional_input: unknown;
        };
        expect(served.additional_input).toEqual(additional);
        await refused(await post('/tasks', JSON.stringify({ additional_input: deepObject(64) })));

        // A step the same: 65 refused with no step stored, 64 taken and served back.
        const steps = `/tasks/${task.task_id}/steps`;
        await refused(
          await post(steps, JSON.stringify({ input: 'x', additional_input: deepObject(64) })),
        );
        await refused(
          await post(
            steps,
            `{"function_results":[{"id":"call_1","output":${deepArrayText(10_000)}}]}`,
          ),
        );
        const none = (await (await fetch(`${base}${steps}`)).json()) as {
          pagination: { total_items: number };
        };
        expect(none.pagination.total_items).toBe(0);
        const step = await post(
          steps,
          JSON.stringify({ input: 'x', additional_input: additional }),
        );
        expect(step.status).toBe(200);
        const { step_id } = (await step.json()) as { step_id: string };
        const servedStep = (await (await fetch(`${base}${steps}/${step_id}`)).json()) as {
          additional_input: unknown;
        };
        expect(servedStep.additional_input).toEqual(additional);
      });

      if (!parsedUpstream) {
        it('answers malformed JSON as malformed, however deep', async () => {
          const response = await post('/tasks', '['.repeat(10_000));
          expect(response.status).toBe(400);
          expect(((await response.json()) as { code: string }).code).toBe('bad_request');
        });

        it('does not count brackets inside strings', async () => {
          const input = '{['.repeat(20_000) + '\\"' + ']}'.repeat(100);
          const response = await post('/tasks', JSON.stringify({ input }));
          expect(response.status).toBe(200);
          expect(((await response.json()) as { input: string }).input).toBe(input);
        });
      }
    });
  }
});
