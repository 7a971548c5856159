/** An SQL result set as the judge reports it. */
export interface ResultSetLike {
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

function isResultSet(value: unknown): value is ResultSetLike {
  const v = value as ResultSetLike | null;
  return (
    typeof v === 'object' && v !== null && Array.isArray(v.columns) && Array.isArray(v.rows) && v.rows.every((row) => Array.isArray(row))
  );
}

/** Reads an SQL test's expected/actual output (JSON of `{ columns, rows }`); undefined for plain text output. */
export function parseResultSet(text: string | ResultSetLike | undefined): ResultSetLike | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string') return isResultSet(text) ? text : undefined;
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isResultSet(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const cell = (v: string | number | null | undefined): string => (v === null ? 'NULL' : v === undefined ? '' : String(v));

/**
 * Formats result sets as aligned text tables with shared column widths, so a line diff of two tables shows only
 * the rows that really differ.
 */
export function formatResultSets(...sets: ResultSetLike[]): string[] {
  const widths: number[] = [];
  for (const set of sets) {
    for (const row of [set.columns, ...set.rows]) {
      row.forEach((v, i) => (widths[i] = Math.max(widths[i] ?? 0, cell(v).length)));
    }
  }
  const line = (row: Array<string | number | null>) => row.map((v, i) => cell(v).padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return sets.map((set) =>
    [line(set.columns), set.columns.map((_, i) => '-'.repeat(widths[i] ?? 0)).join('-+-'), ...set.rows.map(line)].join('\n'),
  );
}
