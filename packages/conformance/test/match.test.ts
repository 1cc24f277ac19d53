import { describe, expect, it } from 'vitest';
import { match } from '../src/index.js';

describe('match', () => {
  it('matches objects partially and arrays exactly', () => {
    expect(match({ a: 1, b: 2 }, { a: 1 })).toEqual([]);
    expect(match([1, 2], [1])).toEqual(['$: expected 1 item(s), got 2: [1,2]']);
    expect(match({ a: { b: [1, 'x'] } }, { a: { b: [1, 'y'] } })).toEqual([
      '$.a.b.1: expected "y", got "x"',
    ]);
  });

  it('matches strings with a RegExp', () => {
    expect(match('application/json', /^application\/json/)).toEqual([]);
    expect(match(42, /4/)).toHaveLength(1);
  });

  it('knows its operators', () => {
    expect(match(1, { $type: 'integer' })).toEqual([]);
    expect(match(1.5, { $type: 'integer' })).toHaveLength(1);
    expect(match(null, { $type: 'null' })).toEqual([]);
    expect(match({ a: 1 }, { b: { $absent: true } })).toEqual([]);
    expect(match({ b: null }, { b: { $absent: true } })).toHaveLength(1);
    expect(match([1, 2, 3], { $length: 3 })).toEqual([]);
    expect(match([{ f: 'x', g: 1 }], { $contains: { f: 'x' } })).toEqual([]);
    expect(match([{ f: 'y' }], { $contains: { f: 'x' } })).toHaveLength(1);
    expect(match('a', { $not: 'b' })).toEqual([]);
    expect(match('b', { $not: 'b' })).toHaveLength(1);
    expect(match('Hello there', { $startsWith: 'Hello' })).toEqual([]);
    expect(match('Hello there', { $includes: 'xyz' })).toHaveLength(1);
    expect(match({ b: 1, a: 2 }, { $keys: ['a', 'b'] })).toEqual([]);
    expect(match({ a: 1, c: 2 }, { $keys: ['a'] })).toHaveLength(1);
    expect(match([], { $keys: [] })).toHaveLength(1);
    expect(match({ a: 1 }, { $and: [{ $keys: ['a'] }, { a: 1 }] })).toEqual([]);
    expect(match({ a: 2 }, { $and: [{ $keys: ['a'] }, { a: 1 }] })).toHaveLength(1);
  });

  it('treats a mismatched type as a mismatch, not a crash', () => {
    expect(match(undefined, { a: 1 })).toEqual(['$: expected an object, got undefined']);
    expect(match('x', [1])).toEqual(['$: expected an array, got "x"']);
  });
});
