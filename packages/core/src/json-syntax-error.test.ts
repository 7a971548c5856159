import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from './json-syntax-error.js';

describe('locateJsonSyntaxError', () => {
  it('finds nothing wrong in valid JSON, wherever JSON.parse agrees', () => {
    for (const text of ['{}', '[]', '0', '-1.5e+3', '"a\\u00e9\\n"', 'null', ' {"a": [true, false, null, {"b": "c"}]} ', '\uFEFF[1]']) {
      expect(locateJsonSyntaxError(text).message).toBe('no syntax error found');
    }
  });

  it('counts lines and columns from 1', () => {
    expect(locateJsonSyntaxError('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, offset: 13 });
  });

  it('survives very deep nesting without overflowing the stack', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(199_999)}`;
    expect(locateJsonSyntaxError(deep)).toMatchObject({ line: 1, column: 400_000, message: 'unexpected end of input; expected "," or "]" after an array element' });
  });

  it('rejects what JSON.parse rejects: comments, single quotes, NaN, leading zeros, bad escapes', () => {
    for (const text of ['{"a": 1 // c\n}', "['a']", '[NaN]', '[01]', '["\\x41"]', '[1 2]', '{"a" 1}', '[.5]', '[-]']) {
      expect(() => JSON.parse(text)).toThrow();
      expect(locateJsonSyntaxError(text).message).not.toBe('no syntax error found');
    }
  });
});
