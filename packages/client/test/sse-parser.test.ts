// The event-stream parser on the shapes the WHATWG rules allow, whichever way the bytes are cut.
import { expect, it } from 'vitest';
import { SseParser, type SseMessage } from '../src/sse-parser.js';

const stream =
  '\uFEFF: keep-alive\r\nretry: 1500\r\nid: 1\r\nevent: step.created\r\ndata: {"a":\r\ndata: 1}\r\n\r\n' +
  'id: 2\nevent: output.delta\ndata:{"text":"x"}\n\n' +
  'id: 3\rdata: no event name\r\r' +
  'event: ignored\n\n' + // no data: not an event
  'id: 4\nevent: step.completed\ndata: {}\n\n';

const expected: SseMessage[] = [
  { id: '1', event: 'step.created', data: '{"a":\n1}' },
  { id: '2', event: 'output.delta', data: '{"text":"x"}' },
  { id: '3', event: 'message', data: 'no event name' },
  { id: '4', event: 'step.completed', data: '{}' },
];

it('parses a whole stream: comments, CRLF/LF/CR, multi-line data, a BOM, retry', () => {
  const parser = new SseParser();
  expect(parser.push(stream)).toEqual(expected);
  expect(parser.retry).toBe(1500);
});

it('parses the same stream fed one character at a time (a CRLF split across chunks)', () => {
  const parser = new SseParser();
  const messages = [...stream].flatMap((char) => parser.push(char));
  expect(messages).toEqual(expected);
});

it('keeps an unfinished event until its blank line arrives', () => {
  const parser = new SseParser();
  expect(parser.push('id: 7\nevent: output.delta\ndata: {"text":"1 "}\n')).toEqual([]);
  expect(parser.push('\n')).toEqual([{ id: '7', event: 'output.delta', data: '{"text":"1 "}' }]);
});
