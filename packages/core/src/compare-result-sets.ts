import type { Comparator, SqlResultSet, SqlValue } from './assignment-schema.js';
import { DEFAULT_ABS_TOL, DEFAULT_REL_TOL, plural, quote, type Comparison } from './comparison.js';
import { EdgeLabError } from './errors.js';
import { numbersClose, parseNumericToken } from './numeric-token.js';

/** The `sql` comparator's options. */
export type SqlComparator = Extract<Comparator, { kind: 'sql' }>;

const PASS: Comparison = Object.freeze({ passed: true });
const fail = (reason: string): Comparison => ({ passed: false, reason });

/** Reads a value as a finite number: a number, or a string that is a decimal number (drivers return DECIMAL as text). */
function asFiniteNumber(value: SqlValue): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? parseNumericToken(value) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

function valuesEqual(expected: SqlValue, actual: SqlValue, absTol: number, relTol: number): boolean {
  if (expected === null || actual === null) return expected === actual;
  const en = asFiniteNumber(expected);
  const an = asFiniteNumber(actual);
  if (en !== undefined && an !== undefined) return numbersClose(en, an, absTol, relTol);
  if (typeof expected === 'number' || typeof actual === 'number') return Object.is(expected, actual);
  return expected.normalize('NFC') === actual.normalize('NFC');
}

function formatValue(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  return quote(value, 40);
}

/** Formats a row as `("Sales", "Ann", 5000)`. */
export function formatRow(row: readonly SqlValue[]): string {
  const shown = row.slice(0, 12).map(formatValue);
  return `(${shown.join(', ')}${row.length > 12 ? ', …' : ''})`;
}

/** A key under which rows that are certainly equal collide: numbers canonicalised, strings NFC. */
function exactKey(row: readonly SqlValue[]): string {
  return JSON.stringify(
    row.map((v) => {
      if (v === null) return null;
      const n = asFiniteNumber(v);
      return n !== undefined ? `n:${n === 0 ? 0 : n}` : `s:${typeof v === 'string' ? v.normalize('NFC') : String(v)}`;
    }),
  );
}

/**
 * Compares an SQL query's result set with the expected one (the `sql` comparator). Rows are a multiset unless
 * `ordered`; numbers, or numeric strings as some drivers return for DECIMAL, are equal within tolerance; NULL equals
 * only NULL; column names are checked case-insensitively unless `checkColumnNames` is false.
 *
 * @throws EdgeLabError `INTERNAL` for a comparator that is not `sql`.
 */
export function compareResultSets(comparator: Comparator, expected: SqlResultSet, actual: SqlResultSet): Comparison {
  if (comparator.kind !== 'sql') {
    throw new EdgeLabError({
      code: 'INTERNAL',
      message: `compareResultSets needs the "sql" comparator, got "${comparator.kind}"; compare text output with compareOutput`,
    });
  }
  const absTol = comparator.absTol ?? DEFAULT_ABS_TOL;
  const relTol = comparator.relTol ?? DEFAULT_REL_TOL;
  if (expected.columns.length !== actual.columns.length) {
    return fail(
      `expected ${plural(expected.columns.length, 'column')} (${expected.columns.join(', ')}), got ${actual.columns.length} (${actual.columns.join(', ')})`,
    );
  }
  if (comparator.checkColumnNames !== false) {
    for (let c = 0; c < expected.columns.length; c++) {
      const e = expected.columns[c] as string;
      const a = actual.columns[c] as string;
      if (e.normalize('NFC').toLowerCase() !== a.normalize('NFC').toLowerCase()) {
        return fail(`column ${c + 1}: expected name ${quote(e)}, got ${quote(a)} (use AS to rename a column)`);
      }
    }
  }
  const width = expected.columns.length;
  const badRow = actual.rows.findIndex((row) => row.length !== width);
  if (badRow !== -1) return fail(`row ${badRow + 1}: has ${actual.rows[badRow]?.length} values but there are ${width} columns`);
  const rowsEqual = (e: readonly SqlValue[], a: readonly SqlValue[]) => e.every((v, c) => valuesEqual(v, a[c] ?? null, absTol, relTol));
  const counts = `expected ${plural(expected.rows.length, 'row')}, got ${actual.rows.length}`;

  if (comparator.ordered === true) {
    const common = Math.min(expected.rows.length, actual.rows.length);
    for (let r = 0; r < common; r++) {
      const e = expected.rows[r] as SqlValue[];
      const a = actual.rows[r] as SqlValue[];
      if (!rowsEqual(e, a)) return fail(`row ${r + 1}: expected ${formatRow(e)}, got ${formatRow(a)}`);
    }
    if (actual.rows.length < expected.rows.length) {
      return fail(`${counts}; missing row ${common + 1}: ${formatRow(expected.rows[common] as SqlValue[])}`);
    }
    if (actual.rows.length > expected.rows.length) {
      return fail(`${counts}; unexpected extra row ${common + 1}: ${formatRow(actual.rows[common] as SqlValue[])}`);
    }
    return PASS;
  }

  // Multiset: rows that are certainly equal match by key in linear time; only the leftovers (numbers within
  // tolerance but not identical) are matched pairwise.
  const pending = new Map<string, number[]>();
  expected.rows.forEach((row, r) => {
    const k = exactKey(row);
    const list = pending.get(k);
    if (list === undefined) pending.set(k, [r]);
    else list.push(r);
  });
  const unmatchedActual: number[] = [];
  actual.rows.forEach((row, r) => {
    const list = pending.get(exactKey(row));
    if (list !== undefined && list.length > 0) list.pop();
    else unmatchedActual.push(r);
  });
  const unmatchedExpected = [...pending.values()].flat().sort((x, y) => x - y);
  const stillActual = matchWithinTolerance(unmatchedExpected, unmatchedActual, expected.rows, actual.rows, rowsEqual);
  const prefix = expected.rows.length === actual.rows.length ? '' : `${counts}; `;
  const missing = unmatchedExpected[0];
  if (missing !== undefined) {
    const extra = stillActual[0];
    const instead = extra === undefined ? '' : `; unexpected row ${formatRow(actual.rows[extra] as SqlValue[])}`;
    return fail(`${prefix}missing row ${formatRow(expected.rows[missing] as SqlValue[])}${instead} (rows in any order)`);
  }
  const extra = stillActual[0];
  if (extra !== undefined) return fail(`${prefix}unexpected extra row ${formatRow(actual.rows[extra] as SqlValue[])} (rows in any order)`);
  return PASS;
}

/** A value prepared for ordering: NULL, then numbers numerically, then strings. */
type SortValue = { rank: 0 } | { rank: 1; n: number } | { rank: 2; s: string };

function sortValues(row: readonly SqlValue[]): SortValue[] {
  return row.map((v): SortValue => {
    if (v === null) return { rank: 0 };
    const n = asFiniteNumber(v);
    return n !== undefined ? { rank: 1, n } : { rank: 2, s: String(v) };
  });
}

function compareSortRows(x: readonly SortValue[], y: readonly SortValue[]): number {
  for (let c = 0; c < x.length; c++) {
    const a = x[c] as SortValue;
    const b = y[c] as SortValue;
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.rank === 1 && b.rank === 1 && a.n !== b.n) return a.n - b.n;
    if (a.rank === 2 && b.rank === 2 && a.s !== b.s) return a.s < b.s ? -1 : 1;
  }
  return 0;
}

/**
 * Pairs expected and actual rows equal within tolerance; removes matched expected indexes from `expectedLeft` and
 * returns the actual indexes left over. Pairwise for small leftovers; for large ones a sorted merge, which stays
 * O(n log n) (it can miss a pairing only when tolerance reorders rows, which takes values closer than the tolerance).
 */
function matchWithinTolerance(
  expectedLeft: number[],
  actualLeft: readonly number[],
  expectedRows: readonly (readonly SqlValue[])[],
  actualRows: readonly (readonly SqlValue[])[],
  rowsEqual: (e: readonly SqlValue[], a: readonly SqlValue[]) => boolean,
): number[] {
  const still: number[] = [];
  if (expectedLeft.length * actualLeft.length <= 1_000_000) {
    for (const r of actualLeft) {
      const a = actualRows[r] as SqlValue[];
      const hit = expectedLeft.findIndex((e) => rowsEqual(expectedRows[e] as SqlValue[], a));
      if (hit === -1) still.push(r);
      else expectedLeft.splice(hit, 1);
    }
    return still;
  }
  // Sort keys are computed once per row: parsing numbers inside the comparator would redo it O(n log n) times.
  const prepare = (indexes: readonly number[], rows: readonly (readonly SqlValue[])[]) =>
    indexes.map((r) => ({ r, key: sortValues(rows[r] as SqlValue[]) })).sort((x, y) => compareSortRows(x.key, y.key));
  const es = prepare(expectedLeft, expectedRows);
  const as = prepare(actualLeft, actualRows);
  const matched = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < es.length && j < as.length) {
    const e = es[i] as { r: number; key: SortValue[] };
    const a = as[j] as { r: number; key: SortValue[] };
    if (rowsEqual(expectedRows[e.r] as SqlValue[], actualRows[a.r] as SqlValue[])) {
      matched.add(e.r);
      i++;
      j++;
    } else if (compareSortRows(e.key, a.key) < 0) i++;
    else {
      still.push(a.r);
      j++;
    }
  }
  for (; j < as.length; j++) still.push((as[j] as { r: number }).r);
  const left = expectedLeft.filter((e) => !matched.has(e));
  expectedLeft.length = 0;
  for (const e of left) expectedLeft.push(e);
  return still.sort((x, y) => x - y);
}
