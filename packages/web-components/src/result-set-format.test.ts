import { describe, expect, it } from 'vitest';
import { formatResultSets, parseResultSet } from './result-set-format.js';

describe('parseResultSet', () => {
  it('reads the JSON the judge reports for SQL tests, and objects', () => {
    expect(parseResultSet('{"columns":["a"],"rows":[[1],[null]]}')).toEqual({ columns: ['a'], rows: [[1], [null]] });
    expect(parseResultSet({ columns: ['a'], rows: [] })).toEqual({ columns: ['a'], rows: [] });
  });

  it('leaves plain output alone', () => {
    expect(parseResultSet('0 1\n')).toBeUndefined();
    expect(parseResultSet('{not json')).toBeUndefined();
    expect(parseResultSet('{"columns":"a"}')).toBeUndefined();
    expect(parseResultSet(undefined)).toBeUndefined();
  });
});

describe('formatResultSets', () => {
  it('aligns both tables to shared widths so only differing rows differ', () => {
    const [expected, actual] = formatResultSets(
      { columns: ['name', 'salary'], rows: [['Ann', 9000], ['Bob', null]] },
      { columns: ['name', 'salary'], rows: [['Ann', 9000], ['Christopher', 10]] },
    );
    expect(expected).toBe('name        | salary\n------------+-------\nAnn         | 9000\nBob         | NULL');
    expect(actual!.split('\n').slice(0, 3)).toEqual(expected!.split('\n').slice(0, 3));
    expect(actual!.split('\n')[3]).toBe('Christopher | 10');
  });
});
