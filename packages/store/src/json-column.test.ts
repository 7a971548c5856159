import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isEdgeLabError } from '@edgelab/core';
import { fromJsonColumn, fromRequiredJsonColumn, toJsonColumn } from './json-column.js';

describe('JSON columns', () => {
  it('round-trips values, unicode and nested structures', () => {
    const value = { a: [1, 2.5, null, 'x'], b: { 'é': '日本語\n\u0000' }, c: true };
    expect(fromJsonColumn(toJsonColumn(value), 'col', 'row')).toEqual(value);
    expect(fromJsonColumn(toJsonColumn('print(1)'), 'col', 'row')).toBe('print(1)');
  });

  it('round-trips any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(fromJsonColumn(toJsonColumn(value), 'col', 'row')).toEqual(value === null ? null : JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('maps undefined and null to SQL NULL and back to null', () => {
    expect(toJsonColumn(undefined)).toBeNull();
    expect(toJsonColumn(null)).toBeNull();
    expect(fromJsonColumn(null, 'col', 'row')).toBeNull();
  });

  it('a value that does not parse is STORE_CORRUPT naming the column and the row', () => {
    const error = (() => {
      try {
        fromJsonColumn('{"index": 0,', 'results.tests_json', 'the result of submission abc');
      } catch (e) {
        return e;
      }
    })();
    expect(isEdgeLabError(error, 'STORE_CORRUPT')).toBe(true);
    expect((error as Error).message).toMatch(/^results\.tests_json of the result of submission abc is not valid JSON/);
  });

  it('a non-text value (e.g. a number from a bad write) is STORE_CORRUPT', () => {
    expect(() => fromJsonColumn(42 as unknown as string, 'c', 'r')).toThrow(/corrupt/);
  });

  it('a required column that is NULL is STORE_CORRUPT', () => {
    expect(() => fromRequiredJsonColumn(null, 'submissions.code_json', 'submission s1')).toThrow(/submissions\.code_json of submission s1 is NULL/);
  });
});
