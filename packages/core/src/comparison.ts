/** The outcome of comparing a program's output with the expected output. */
export interface Comparison {
  passed: boolean;
  /** When not passed: a short human-readable reason, e.g. `line 3: expected "5", got "6"`. */
  reason?: string;
}

/** Default absolute tolerance of the `float` and `sql` comparators. */
export const DEFAULT_ABS_TOL = 1e-6;
/** Default relative tolerance of the `float` and `sql` comparators. */
export const DEFAULT_REL_TOL = 1e-6;

const SNIPPET = 60;

/** Quotes a value for a reason, cut to a readable length. */
export function quote(text: string, max = SNIPPET): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/**
 * Quotes the part of two long strings around their first difference, so a reason about a 10 000-character line
 * still shows where it differs. Returns the column (1-based) of the first difference.
 */
export function quoteDifference(expected: string, actual: string): { column: number; expected: string; actual: string } {
  let k = 0;
  const max = Math.min(expected.length, actual.length);
  while (k < max && expected.charCodeAt(k) === actual.charCodeAt(k)) k++;
  if (expected.length <= SNIPPET && actual.length <= SNIPPET) {
    return { column: k + 1, expected: JSON.stringify(expected), actual: JSON.stringify(actual) };
  }
  const start = Math.max(0, k - 20);
  const piece = (s: string) => {
    const body = s.slice(start, start + SNIPPET);
    return JSON.stringify(body).replace(/^"/, start > 0 ? '"…' : '"').replace(/"$/, start + SNIPPET < s.length ? '…"' : '"');
  };
  return { column: k + 1, expected: piece(expected), actual: piece(actual) };
}

/** `1 line` / `2 lines`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
