import { describe, expect, it } from 'vitest';
import type { Comparator } from './assignment-schema.js';
import { compareOutput, normalizeLines } from './compare-output.js';
import { isEdgeLabError } from './errors.js';

const lines: Comparator = { kind: 'lines' };
const tokens: Comparator = { kind: 'tokens' };
const float: Comparator = { kind: 'float' };
const exact: Comparator = { kind: 'exact' };
const unordered: Comparator = { kind: 'unordered' };

const passes = (c: Comparator, e: string, a: string) => compareOutput(c, e, a).passed;
const reason = (c: Comparator, e: string, a: string) => {
  const r = compareOutput(c, e, a);
  expect(r.passed).toBe(false);
  return r.reason;
};

describe('exact', () => {
  it('passes only identical text', () => {
    expect(passes(exact, 'a\nb\n', 'a\nb\n')).toBe(true);
    expect(reason(exact, 'a\nb\n', 'a\r\nb\r\n')).toBe('line 1, column 2: expected "a", got "a\\r" (exact comparison)');
    expect(reason(exact, '5\n', '5')).toBe('missing newline at the end of the output (exact comparison)');
    expect(reason(exact, '5', '5\n')).toBe('extra newline at the end of the output (exact comparison)');
    expect(reason(exact, 'a\nb\nc', 'a')).toContain('output ended early: expected 3 lines, got 1');
  });

  it('does not normalise unicode: NFD differs from NFC', () => {
    expect(passes(exact, 'caf\u00e9', 'cafe\u0301')).toBe(false);
  });
});

describe('lines (the default)', () => {
  it('ignores CRLF, lone CR, trailing whitespace and trailing blank lines', () => {
    expect(passes(lines, '1\n2\n3\n', '1\r\n2\r\n3\r\n')).toBe(true);
    expect(passes(lines, '1\n2\n', '1\r2\r')).toBe(true);
    expect(passes(lines, '1\n2', '1   \n2\t\t\n\n\n  \n')).toBe(true);
    expect(passes(lines, 'a b\n', 'a b \u00a0\n')).toBe(true);
  });

  it('keeps leading whitespace and inner blank lines significant', () => {
    expect(reason(lines, 'a\n', ' a\n')).toBe('line 1: expected "a", got " a"');
    expect(reason(lines, 'a\n\nb\n', 'a\nb\n')).toBe('line 2: expected "", got "b"');
  });

  it('names the first differing line', () => {
    expect(reason(lines, '1\n2\n5\n4\n', '1\n2\n6\n4\n')).toBe('line 3: expected "5", got "6"');
  });

  it('says when output ended early or went on', () => {
    expect(reason(lines, '1\n2\n3\n4\n', '1\n2\n')).toBe('output ended early: expected 4 lines, got 2; line 3 should be "3"');
    expect(reason(lines, '1\n', '1\n2\n')).toBe('extra output: expected 1 line, got 2; line 2 is "2"');
  });

  it('handles empty output on either side', () => {
    expect(passes(lines, '', '')).toBe(true);
    expect(passes(lines, '\n\n', '')).toBe(true);
    expect(reason(lines, '1\n2\n', '')).toBe('no output: expected 2 lines');
    expect(reason(lines, '', 'oops\n')).toBe('expected no output, got 1 line: "oops"');
  });

  it('compares NFC-normalised text: composed and decomposed accents are equal', () => {
    expect(passes(lines, 'caf\u00e9\n', 'cafe\u0301\n')).toBe(true);
    expect(passes(lines, 'Å', 'A\u030a')).toBe(true);
    expect(passes(lines, '😀 ok', '😀 ok')).toBe(true);
    expect(reason(lines, '😀', '😁')).toBe('line 1: expected "😀", got "😁"');
  });

  it('ignoreCase folds case without a locale, unicode-aware', () => {
    const ci: Comparator = { kind: 'lines', ignoreCase: true };
    expect(passes(ci, 'YES\n', 'yes\n')).toBe(true);
    expect(passes(ci, 'ÉTÉ', 'e\u0301te\u0301')).toBe(true);
    expect(passes(ci, 'ΣΊΣΥΦΟΣ', 'σίσυφος')).toBe(true);
    expect(passes(ci, 'I', 'ı')).toBe(false); // dotless i is a different letter, not Turkish-folded
    expect(passes(lines, 'YES', 'yes')).toBe(false);
  });

  it('shows where a very long line differs instead of its start', () => {
    const e = `${'x'.repeat(10_000)}A${'y'.repeat(100)}`;
    const a = `${'x'.repeat(10_000)}B${'y'.repeat(100)}`;
    const r = reason(lines, e, a) ?? '';
    expect(r).toMatch(/^line 1: expected "…x+Ay+…", got "…x+By+…"$/);
    expect(r.length).toBeLessThan(200);
  });
});

describe('tokens', () => {
  it('treats any whitespace as equal', () => {
    expect(passes(tokens, '1 2 3\n', '1\n2\t\t3   ')).toBe(true);
    expect(passes(tokens, '', '  \n\t ')).toBe(true);
  });

  it('names the first differing token and its line', () => {
    expect(reason(tokens, '1 2\n3 4', '1 2\n3 5')).toBe('token 4 (line 2): expected "4", got "5"');
    expect(reason(tokens, '1\r\n2\r\n3', '1\r\n2\r\n4')).toBe('token 3 (line 3): expected "3", got "4"');
  });

  it('reports missing and extra tokens with counts', () => {
    expect(reason(tokens, '1 2 3 4', '1 2')).toBe('output ended early: expected 4 tokens, got 2; next expected "3"');
    expect(reason(tokens, '1', '1 2 3')).toBe('extra output: expected 1 token, got 3; token 2 (line 1) is "2"');
    expect(reason(tokens, '1 2', '')).toBe('no output: expected 2 tokens');
  });

  it('ignoreCase applies to tokens', () => {
    expect(passes({ kind: 'tokens', ignoreCase: true }, 'Hello World', 'hello   WORLD')).toBe(true);
  });
});

describe('float', () => {
  it('accepts numbers within the default tolerance (1e-6 absolute or relative)', () => {
    expect(passes(float, '0.333333', '0.3333333333')).toBe(true);
    expect(passes(float, '0', '1e-7')).toBe(true);
    expect(passes(float, '0', '1e-5')).toBe(false);
    expect(passes(float, '1000000', '1000000.5')).toBe(true); // relative 5e-7
    expect(passes(float, '1', '1.000001')).toBe(true); // exactly at the tolerance
    expect(passes(float, '1', '1.0000021')).toBe(false);
  });

  it('honours absTol and relTol', () => {
    expect(passes({ kind: 'float', absTol: 0.01, relTol: 0 }, '3.14159', '3.14')).toBe(true);
    expect(passes({ kind: 'float', absTol: 0.001, relTol: 0 }, '3.14159', '3.14')).toBe(false);
    expect(passes({ kind: 'float', absTol: 0, relTol: 0.1 }, '100', '109')).toBe(true);
    expect(passes({ kind: 'float', absTol: 0, relTol: 0 }, '0.1', '0.10')).toBe(true);
  });

  it('-0.0 equals 0', () => {
    expect(passes(float, '0', '-0.0')).toBe(true);
    expect(passes(float, '-0', '0.000')).toBe(true);
  });

  it('NaN is never equal, not even to NaN', () => {
    expect(reason(float, 'nan', 'nan')).toBe('token 1 (line 1): expected "nan", got "nan" (NaN is never equal)');
    expect(passes(float, '1', 'NaN')).toBe(false);
    expect(passes(float, '1 -nan', '1 -nan')).toBe(false);
    expect(passes(tokens, 'nan', 'nan')).toBe(true); // only float reads tokens as numbers
  });

  it('infinity equals only the same-signed infinity', () => {
    expect(passes(float, 'inf', 'Infinity')).toBe(true);
    expect(passes(float, '-inf', '-Infinity')).toBe(true);
    expect(passes(float, 'inf', '-inf')).toBe(false);
    expect(passes(float, 'inf', '1e308')).toBe(false);
  });

  it('compares non-numeric tokens exactly and requires equal token counts', () => {
    expect(passes(float, 'x = 1.0', 'x = 1.0000001')).toBe(true);
    expect(reason(float, 'x = 1.0', 'y = 1.0')).toBe('token 1 (line 1): expected "x", got "y"');
    expect(reason(float, '1.0 2.0', '1.0')).toContain('output ended early: expected 2 tokens, got 1');
    expect(passes(float, '0x10', '16')).toBe(false);
  });

  it('explains the difference against the tolerance', () => {
    expect(reason(float, '2.5', '2.6')).toBe('token 1 (line 1): expected "2.5", got "2.6" (difference 0.1 > tolerance 2.50e-6)');
  });
});

describe('unordered', () => {
  it('compares lines as a multiset after lines-normalisation', () => {
    expect(passes(unordered, 'a\nb\nc\n', 'c\r\na  \nb\n\n')).toBe(true);
    expect(passes(unordered, 'a\na\nb', 'a\nb\na')).toBe(true);
  });

  it('counts duplicates', () => {
    expect(reason(unordered, 'a\na\nb', 'a\nb\nb')).toBe('missing line "a" (lines in any order)');
    expect(reason(unordered, 'a\nb', 'a\nb\nc')).toBe('expected 2 lines, got 3; unexpected line "c" (lines in any order)');
  });

  it('ignoreCase applies to lines', () => {
    expect(passes({ kind: 'unordered', ignoreCase: true }, 'B\na', 'A\nb')).toBe(true);
  });
});

describe('compareOutput', () => {
  it('refuses the sql comparator: result sets go through compareResultSets', () => {
    expect(() => compareOutput({ kind: 'sql' }, 'a', 'a')).toThrowError(/compareResultSets/);
    try {
      compareOutput({ kind: 'sql' }, 'a', 'a');
    } catch (error) {
      expect(isEdgeLabError(error, 'INTERNAL')).toBe(true);
    }
  });

  it('handles 10 MB outputs in linear time for every text comparator', () => {
    const line = '1234567 0.25 hello\n';
    const big = line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
    const changed = `${big.slice(0, -line.length)}1234567 0.25 hellO\n`;
    for (const c of [exact, lines, tokens, float, unordered, { kind: 'lines', ignoreCase: true } as Comparator]) {
      expect(compareOutput(c, big, `${big}`).passed).toBe(true);
      expect(compareOutput(c, big, changed).passed).toBe(c.kind !== 'exact' && 'ignoreCase' in c);
    }
    // A single 10 MB line of spaces ending in a letter: trailing-whitespace trimming must not backtrack.
    const spaces = `${' '.repeat(10 * 1024 * 1024)}x`;
    expect(compareOutput(lines, spaces, spaces.slice(1)).passed).toBe(false);
  });
});

describe('normalizeLines', () => {
  it('returns no lines for empty or blank output', () => {
    expect(normalizeLines('')).toEqual([]);
    expect(normalizeLines(' \n\t\n')).toEqual([]);
    expect(normalizeLines('a \r\nb')).toEqual(['a', 'b']);
  });
});
