import { describe, expect, it } from 'vitest';
import { diffLines } from './line-diff.js';

describe('diffLines', () => {
  it('marks the changed line as expected/actual and keeps the rest', () => {
    expect(diffLines('a\nb\nc\n', 'a\nx\nc\n')).toEqual([
      { kind: 'same', text: 'a', expectedLine: 1, actualLine: 1 },
      { kind: 'expected', text: 'b', expectedLine: 2 },
      { kind: 'actual', text: 'x', actualLine: 2 },
      { kind: 'same', text: 'c', expectedLine: 3, actualLine: 3 },
    ]);
  });

  it('treats CRLF like LF and ignores one final newline', () => {
    expect(diffLines('1 2\r\n', '1 2')).toEqual([{ kind: 'same', text: '1 2', expectedLine: 1, actualLine: 1 }]);
  });

  it('shows missing and extra lines at the end', () => {
    expect(diffLines('a\nb', 'a').map((l) => l.kind)).toEqual(['same', 'expected']);
    expect(diffLines('a', 'a\nb\nc').map((l) => l.kind)).toEqual(['same', 'actual', 'actual']);
  });

  it('shows empty actual output as every expected line missing', () => {
    expect(diffLines('0 1\n', '')).toEqual([
      { kind: 'expected', text: '0 1', expectedLine: 1 },
      { kind: 'actual', text: '', actualLine: 1 },
    ]);
  });

  it('stays bounded on huge outputs', () => {
    const big = Array.from({ length: 5000 }, (_, i) => String(i)).join('\n');
    expect(diffLines(big, big).length).toBe(400);
  });
});
