/** One line of a diff: kept, only in the expected output, or only in the actual output. */
export interface DiffLine {
  kind: 'same' | 'expected' | 'actual';
  text: string;
  /** 1-based line number in the expected output (`same` and `expected`). */
  expectedLine?: number;
  /** 1-based line number in the actual output (`same` and `actual`). */
  actualLine?: number;
}

/** Above this many lines on either side the diff is cut to keep the browser responsive. */
const MAX_LINES = 400;

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // A final newline is not an extra empty line for the student.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A line diff of expected vs actual output (longest common subsequence), for showing why a public test failed.
 *
 * ### Examples
 * ```ts
 * diffLines('1\n2\n', '1\n3\n'); // same "1", expected "2", actual "3"
 * ```
 */
export function diffLines(expected: string, actual: string): DiffLine[] {
  const a = splitLines(expected).slice(0, MAX_LINES);
  const b = splitLines(actual).slice(0, MAX_LINES);
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i]!;
    const next = lcs[i + 1]!;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]!, expectedLine: i + 1, actualLine: j + 1 });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: 'expected', text: a[i]!, expectedLine: i + 1 });
      i++;
    } else {
      out.push({ kind: 'actual', text: b[j]!, actualLine: j + 1 });
      j++;
    }
  }
  for (; i < n; i++) out.push({ kind: 'expected', text: a[i]!, expectedLine: i + 1 });
  for (; j < m; j++) out.push({ kind: 'actual', text: b[j]!, actualLine: j + 1 });
  return out;
}
