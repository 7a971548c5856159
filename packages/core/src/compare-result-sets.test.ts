import { describe, expect, it } from 'vitest';
import type { Comparator, SqlResultSet } from './assignment-schema.js';
import { compareResultSets } from './compare-result-sets.js';

const sql: Comparator = { kind: 'sql' };
const ordered: Comparator = { kind: 'sql', ordered: true };
const rs = (columns: string[], rows: SqlResultSet['rows']): SqlResultSet => ({ columns, rows });
const cols = ['dept', 'name', 'salary'];
const expected = rs(cols, [
  ['Sales', 'Ann', 5000],
  ['IT', 'Bob', 7000],
  ['HR', null, 4000.5],
]);

describe('compareResultSets', () => {
  it('treats rows as a multiset by default', () => {
    const actual = rs(cols, [
      ['HR', null, 4000.5],
      ['Sales', 'Ann', 5000],
      ['IT', 'Bob', 7000],
    ]);
    expect(compareResultSets(sql, expected, actual)).toEqual({ passed: true });
  });

  it('checks order when ordered', () => {
    const actual = rs(cols, [expected.rows[1]!, expected.rows[0]!, expected.rows[2]!]);
    expect(compareResultSets(ordered, expected, actual)).toEqual({
      passed: false,
      reason: 'row 1: expected ("Sales", "Ann", 5000), got ("IT", "Bob", 7000)',
    });
    expect(compareResultSets(ordered, expected, expected).passed).toBe(true);
  });

  it('compares numeric strings from the database numerically, within tolerance', () => {
    const actual = rs(cols, [
      ['Sales', 'Ann', '5000.00'],
      ['IT', 'Bob', 7000.0000001],
      ['HR', null, '4000.5'],
    ]);
    expect(compareResultSets(sql, expected, actual).passed).toBe(true);
    expect(compareResultSets(ordered, expected, actual).passed).toBe(true);
    const off = rs(cols, [['Sales', 'Ann', 5001], expected.rows[1]!, expected.rows[2]!]);
    expect(compareResultSets(sql, expected, off).reason).toBe('missing row ("Sales", "Ann", 5000); unexpected row ("Sales", "Ann", 5001) (rows in any order)');
    expect(compareResultSets({ kind: 'sql', absTol: 2 }, expected, off).passed).toBe(true);
  });

  it('NULL equals only NULL', () => {
    const nullAsText = rs(cols, [expected.rows[0]!, expected.rows[1]!, ['HR', 'NULL', 4000.5]]);
    expect(compareResultSets(sql, expected, nullAsText).passed).toBe(false);
    const nullAsEmpty = rs(cols, [expected.rows[0]!, expected.rows[1]!, ['HR', '', 4000.5]]);
    expect(compareResultSets(sql, expected, nullAsEmpty).passed).toBe(false);
    const zeroForNull = rs(['n'], [[0]]);
    expect(compareResultSets(sql, rs(['n'], [[null]]), zeroForNull).reason).toBe('missing row (NULL); unexpected row (0) (rows in any order)');
  });

  it('does not read non-numeric strings as numbers', () => {
    expect(compareResultSets(sql, rs(['v'], [['0x10']]), rs(['v'], [[16]])).passed).toBe(false);
    expect(compareResultSets(sql, rs(['v'], [['']]), rs(['v'], [[0]])).passed).toBe(false);
  });

  it('checks column names case-insensitively, unless told not to', () => {
    const renamed = rs(['DEPT', 'Name', 'SALARY'], expected.rows);
    expect(compareResultSets(sql, expected, renamed).passed).toBe(true);
    const wrong = rs(['dept', 'name', 'pay'], expected.rows);
    expect(compareResultSets(sql, expected, wrong).reason).toBe('column 3: expected name "salary", got "pay" (use AS to rename a column)');
    expect(compareResultSets({ kind: 'sql', checkColumnNames: false }, expected, wrong).passed).toBe(true);
  });

  it('requires the same number of columns', () => {
    const narrow = rs(['dept', 'name'], expected.rows.map((r) => r.slice(0, 2)));
    expect(compareResultSets({ kind: 'sql', checkColumnNames: false }, expected, narrow).reason).toBe(
      'expected 3 columns (dept, name, salary), got 2 (dept, name)',
    );
  });

  it('reports missing and extra rows', () => {
    const fewer = rs(cols, [expected.rows[0]!, expected.rows[2]!]);
    expect(compareResultSets(sql, expected, fewer).reason).toBe('expected 3 rows, got 2; missing row ("IT", "Bob", 7000) (rows in any order)');
    expect(compareResultSets(ordered, expected, rs(cols, expected.rows.slice(0, 2))).reason).toBe(
      'expected 3 rows, got 2; missing row 3: ("HR", NULL, 4000.5)',
    );
    const more = rs(cols, [...expected.rows, ['IT', 'Cy', 1]]);
    expect(compareResultSets(sql, expected, more).reason).toBe('expected 3 rows, got 4; unexpected extra row ("IT", "Cy", 1) (rows in any order)');
    expect(compareResultSets(ordered, expected, more).reason).toBe('expected 3 rows, got 4; unexpected extra row 4: ("IT", "Cy", 1)');
  });

  it('counts duplicate rows', () => {
    const twice = rs(['n'], [[1], [1], [2]]);
    expect(compareResultSets(sql, twice, rs(['n'], [[1], [2], [2]])).passed).toBe(false);
    expect(compareResultSets(sql, twice, rs(['n'], [[2], [1], [1]])).passed).toBe(true);
    expect(compareResultSets(sql, rs(['n'], []), rs(['n'], [])).passed).toBe(true);
  });

  it('matches large unordered result sets within tolerance without quadratic work', () => {
    const n = 50_000;
    const e = rs(['id', 'avg'], Array.from({ length: n }, (_, i) => [i, i / 3]));
    // Every value differs slightly, so no row matches exactly; shuffled by reversing.
    const a = rs(['id', 'avg'], Array.from({ length: n }, (_, i) => [String(n - 1 - i), (n - 1 - i) / 3 + 1e-9]));
    expect(compareResultSets(sql, e, a).passed).toBe(true);
    a.rows[10] = [String(n - 11), -1];
    expect(compareResultSets(sql, e, a).passed).toBe(false);
  });

  it('refuses a text comparator', () => {
    expect(() => compareResultSets({ kind: 'lines' }, expected, expected)).toThrowError(/compareOutput/);
  });
});
