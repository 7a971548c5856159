import type { Comparator } from './assignment-schema.js';
import { DEFAULT_ABS_TOL, DEFAULT_REL_TOL, plural, quote, quoteDifference, type Comparison } from './comparison.js';
import { EdgeLabError } from './errors.js';
import { numbersClose, parseNumericToken } from './numeric-token.js';

/** A comparator for text output: every kind except `sql`. */
export type TextComparator = Exclude<Comparator, { kind: 'sql' }>;

const PASS: Comparison = Object.freeze({ passed: true });
const fail = (reason: string): Comparison => ({ passed: false, reason });

/** Case folding that ignores the locale and treats composed and decomposed forms alike. */
const foldCase = (text: string): string => text.normalize('NFC').toLowerCase().normalize('NFC');

/**
 * Splits output into lines the way the `lines` comparator sees them: NFC-normalised, CRLF and lone CR read as LF,
 * trailing whitespace of each line and trailing blank lines dropped. Linear in the length of the text.
 */
export function normalizeLines(text: string): string[] {
  const lines = text.normalize('NFC').replace(/\r\n?/g, '\n').split('\n');
  for (let k = 0; k < lines.length; k++) lines[k] = (lines[k] as string).trimEnd();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function compareExact(expected: string, actual: string): Comparison {
  if (expected === actual) return PASS;
  // Split on LF only: a stray CR then shows up in the quoted line as \r.
  const e = expected.split('\n');
  const a = actual.split('\n');
  const common = Math.min(e.length, a.length);
  for (let k = 0; k < common; k++) {
    const el = e[k] as string;
    const al = a[k] as string;
    if (el === al) continue;
    const d = quoteDifference(el, al);
    return fail(`line ${k + 1}, column ${d.column}: expected ${d.expected}, got ${d.actual} (exact comparison)`);
  }
  if (e.length === a.length + 1 && e.at(-1) === '') return fail('missing newline at the end of the output (exact comparison)');
  if (a.length === e.length + 1 && a.at(-1) === '') return fail('extra newline at the end of the output (exact comparison)');
  if (a.length < e.length) return fail(`output ended early: expected ${plural(e.length, 'line')}, got ${a.length} (exact comparison)`);
  return fail(`extra output: expected ${plural(e.length, 'line')}, got ${a.length} (exact comparison)`);
}

function compareLines(expected: string, actual: string, ignoreCase: boolean): Comparison {
  const e = normalizeLines(expected);
  const a = normalizeLines(actual);
  const common = Math.min(e.length, a.length);
  for (let k = 0; k < common; k++) {
    const el = e[k] as string;
    const al = a[k] as string;
    if (el === al || (ignoreCase && foldCase(el) === foldCase(al))) continue;
    const d = quoteDifference(el, al);
    return fail(`line ${k + 1}: expected ${d.expected}, got ${d.actual}`);
  }
  if (e.length === a.length) return PASS;
  if (a.length === 0) return fail(`no output: expected ${plural(e.length, 'line')}`);
  if (e.length === 0) return fail(`expected no output, got ${plural(a.length, 'line')}: ${quote(a[0] as string)}`);
  if (a.length < e.length) {
    return fail(`output ended early: expected ${plural(e.length, 'line')}, got ${a.length}; line ${a.length + 1} should be ${quote(e[a.length] as string)}`);
  }
  return fail(`extra output: expected ${plural(e.length, 'line')}, got ${a.length}; line ${e.length + 1} is ${quote(a[e.length] as string)}`);
}

/** Reads whitespace-separated tokens one at a time, tracking the line each is on. No arrays: 10 MB stays cheap. */
class TokenReader {
  private readonly pattern = /\S+/g;
  private line = 1;
  private last = 0;
  count = 0;

  constructor(private readonly text: string) {}

  next(): { token: string; line: number } | undefined {
    const m = this.pattern.exec(this.text);
    if (m === null) return undefined;
    for (let k = this.last; k < m.index; k++) {
      const c = this.text.charCodeAt(k);
      // CRLF counts once, a lone CR counts as a newline.
      if (c === 0x0a ? this.text.charCodeAt(k - 1) !== 0x0d : c === 0x0d) this.line++;
    }
    this.last = m.index + m[0].length;
    this.count++;
    return { token: m[0], line: this.line };
  }

  /** Counts the tokens left, to report totals. */
  drain(): number {
    while (this.next() !== undefined);
    return this.count;
  }
}

interface TokenOptions {
  ignoreCase: boolean;
  /** When set, numeric tokens are compared within these tolerances. */
  tolerance?: { absTol: number; relTol: number };
}

function compareTokens(expected: string, actual: string, options: TokenOptions): Comparison {
  const er = new TokenReader(expected.normalize('NFC'));
  const ar = new TokenReader(actual.normalize('NFC'));
  for (;;) {
    const e = er.next();
    const a = ar.next();
    if (e === undefined && a === undefined) return PASS;
    if (e === undefined || a === undefined) {
      const eCount = e === undefined ? er.count : er.drain();
      const aCount = a === undefined ? ar.count : ar.drain();
      if (a === undefined) {
        return aCount === 0
          ? fail(`no output: expected ${plural(eCount, 'token')}`)
          : fail(`output ended early: expected ${plural(eCount, 'token')}, got ${aCount}; next expected ${quote((e as { token: string }).token)}`);
      }
      return fail(`extra output: expected ${plural(eCount, 'token')}, got ${aCount}; token ${eCount + 1} (line ${a.line}) is ${quote(a.token)}`);
    }
    // Equal text is equal under any tolerance, except NaN, which equals nothing.
    if (e.token === a.token && !(options.tolerance !== undefined && isNanToken(e.token))) continue;
    const where = `token ${er.count} (line ${a.line})`;
    if (options.tolerance !== undefined) {
      const en = parseNumericToken(e.token);
      const an = parseNumericToken(a.token);
      if (en !== undefined && an !== undefined) {
        if (numbersClose(en, an, options.tolerance.absTol, options.tolerance.relTol)) continue;
        return fail(`${where}: expected ${quote(e.token)}, got ${quote(a.token)}${toleranceNote(en, an, options.tolerance)}`);
      }
    }
    if (e.token === a.token || (options.ignoreCase && foldCase(e.token) === foldCase(a.token))) continue;
    return fail(`${where}: expected ${quote(e.token)}, got ${quote(a.token)}`);
  }
}

const isNanToken = (token: string): boolean => token.length <= 4 && /^[+-]?nan$/i.test(token);

function toleranceNote(expected: number, actual: number, tol: { absTol: number; relTol: number }): string {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return ' (NaN is never equal)';
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return '';
  const diff = Math.abs(actual - expected);
  return ` (difference ${formatSmall(diff)} > tolerance ${formatSmall(Math.max(tol.absTol, tol.relTol * Math.abs(expected)))})`;
}

const formatSmall = (x: number): string =>
  x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(3)));

function compareUnordered(expected: string, actual: string, ignoreCase: boolean): Comparison {
  const e = normalizeLines(expected);
  const a = normalizeLines(actual);
  const key = ignoreCase ? foldCase : (line: string) => line;
  const counts = new Map<string, number>();
  for (const line of e) counts.set(key(line), (counts.get(key(line)) ?? 0) + 1);
  let extra: string | undefined;
  for (const line of a) {
    const k = key(line);
    const left = counts.get(k);
    if (left === undefined || left === 0) extra ??= line;
    else counts.set(k, left - 1);
  }
  const sizes = e.length === a.length ? '' : `expected ${plural(e.length, 'line')}, got ${a.length}; `;
  const missing = e.find((line) => (counts.get(key(line)) ?? 0) > 0);
  if (missing !== undefined) return fail(`${sizes}missing line ${quote(missing)} (lines in any order)`);
  if (extra !== undefined) return fail(`${sizes}unexpected line ${quote(extra)} (lines in any order)`);
  return PASS;
}

/**
 * Compares a program's text output with the expected output using a text comparator. Linear time; the reason
 * names the first difference (`line 3: expected "5", got "6"`, `output ended early: expected 4 lines, got 2`).
 *
 * @throws EdgeLabError `INTERNAL` for the `sql` comparator: SQL results are compared with `compareResultSets`.
 *
 * ### Examples
 * ```ts
 * compareOutput({ kind: 'float', absTol: 1e-3 }, '3.1416\n', '3.14159\n'); // { passed: true }
 * ```
 */
export function compareOutput(comparator: Comparator, expected: string, actual: string): Comparison {
  // Identical text passes at once, except under `float`, where a NaN never equals anything, not even NaN.
  if (expected === actual && comparator.kind !== 'sql' && comparator.kind !== 'float') return PASS;
  switch (comparator.kind) {
    case 'exact':
      return compareExact(expected, actual);
    case 'lines':
      return compareLines(expected, actual, comparator.ignoreCase === true);
    case 'tokens':
      return compareTokens(expected, actual, { ignoreCase: comparator.ignoreCase === true });
    case 'float':
      return compareTokens(expected, actual, {
        ignoreCase: comparator.ignoreCase === true,
        tolerance: { absTol: comparator.absTol ?? DEFAULT_ABS_TOL, relTol: comparator.relTol ?? DEFAULT_REL_TOL },
      });
    case 'unordered':
      return compareUnordered(expected, actual, comparator.ignoreCase === true);
    case 'sql':
      throw new EdgeLabError({
        code: 'INTERNAL',
        message: 'compareOutput cannot use the "sql" comparator: compare SQL result sets with compareResultSets',
      });
  }
}
