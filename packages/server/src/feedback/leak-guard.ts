/** Options of {@link guardFeedbackText}. */
export interface LeakGuardOptions {
  /** Longest feedback kept, in characters; longer text is cut at a sentence. Default 1200. */
  maxChars?: number;
  /** Code blocks (fenced, or runs of code-looking lines) longer than this many lines are removed. Default 3. */
  maxCodeLines?: number;
  /**
   * The reference solution, used ONLY to detect copying: lines of it (that the student's code does not already
   * contain) are removed, and an answer reproducing a large part of it is rejected. Never put it in a prompt.
   */
  referenceSolution?: string;
  /** The student's own code: quoting it back leaks nothing, so it is not counted as copying the solution. */
  studentCode?: string;
  /** Shortest useful answer after cleaning; shorter is rejected as empty. Default 20. */
  minChars?: number;
}

/** What the guard removed. */
export interface LeakGuardRemoval {
  readonly kind: 'code_block' | 'code_lines' | 'solution_lines';
  readonly lines: number;
}

/** The guard's verdict: cleaned text, or a reason to use the fallback instead. */
export type LeakGuardResult =
  | { readonly ok: true; readonly text: string; readonly removed: readonly LeakGuardRemoval[] }
  | { readonly ok: false; readonly reason: 'empty' | 'solution'; readonly removed: readonly LeakGuardRemoval[] };

/** Note appended when the guard removed something, so the student knows why the answer has a gap. */
export const CODE_REMOVED_NOTE = '(Code was removed from this feedback: it gives hints, not solutions.)';

const CODE_LINE =
  /^(?:\s{4,}|\t)\S|^\s*(?:def |class |for .*:\s*$|while .*:\s*$|if .*:\s*$|elif |else:|return\b|import |from \w[\w.]* import|print\(|public |private |protected |static |int |long |double |String |boolean |void |System\.|SELECT\b|FROM\b|WHERE\b|JOIN\b|GROUP BY|ORDER BY|INSERT\b|UPDATE\b|[{}]\s*;?\s*$|\w+\s*(?:\+|-|\*)?=\s*[^=])|;\s*$/;

const normalizeLine = (l: string) => l.replace(/\s+/g, ' ').trim();
const tokens = (s: string) => s.match(/[A-Za-z_]\w*|\d+(?:\.\d+)?|==|!=|<=|>=|\*\*|\/\/|[^\s\w]/g) ?? [];
const SHINGLE = 6;

function shingles(s: string): Set<string> {
  const t = tokens(s);
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE <= t.length; i++) out.add(t.slice(i, i + SHINGLE).join(' '));
  return out;
}

function cutAtSentence(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const boundary = Math.max(head.lastIndexOf('\n\n'), head.lastIndexOf('. '), head.lastIndexOf('.\n'), head.lastIndexOf('! '), head.lastIndexOf('? '));
  const cut = boundary >= max * 0.5 ? head.slice(0, boundary + 1) : head;
  return `${cut.trimEnd()} …`;
}

/**
 * Post-processes a model's answer by rules enforced in code, whatever the prompt said or the student's code
 * tried to inject: removes code blocks and solution lines, rejects answers that copy the reference solution,
 * caps the length.
 *
 * ### Examples
 * ```ts
 * const r = guardFeedbackText(answer, { referenceSolution, studentCode });
 * const text = r.ok ? r.text : ruleBasedFeedback(input).text;
 * ```
 */
export function guardFeedbackText(raw: string, options: LeakGuardOptions = {}): LeakGuardResult {
  const maxChars = options.maxChars ?? 1200;
  const maxCodeLines = options.maxCodeLines ?? 3;
  const minChars = options.minChars ?? 20;
  const removed: LeakGuardRemoval[] = [];
  const clean = raw.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

  // 1. Fenced code blocks (``` or ~~~; an unterminated fence runs to the end).
  const lines = clean.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})/.exec(lines[i] ?? '');
    if (open?.[1] === undefined) {
      kept.push(lines[i] ?? '');
      continue;
    }
    const fence = open[1];
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? '').trim().startsWith(fence)) j++;
    const body = lines.slice(i + 1, j);
    if (body.filter((l) => l.trim() !== '').length > maxCodeLines) {
      removed.push({ kind: 'code_block', lines: body.length });
      kept.push('[code removed]');
    } else {
      kept.push(...lines.slice(i, Math.min(j + 1, lines.length)));
    }
    i = j;
  }

  // 2. Unfenced runs of code-looking lines.
  const unfenced: string[] = [];
  for (let i = 0; i < kept.length; ) {
    if (!CODE_LINE.test(kept[i] ?? '')) {
      unfenced.push(kept[i] ?? '');
      i++;
      continue;
    }
    let j = i;
    while (j < kept.length && (CODE_LINE.test(kept[j] ?? '') || (kept[j] ?? '').trim() === '')) j++;
    while (j > i && (kept[j - 1] ?? '').trim() === '') j--;
    const run = kept.slice(i, j);
    if (run.filter((l) => l.trim() !== '').length > maxCodeLines) {
      removed.push({ kind: 'code_lines', lines: run.length });
      unfenced.push('[code removed]');
    } else {
      unfenced.push(...run);
    }
    i = j;
  }

  // 3. Lines of the reference solution the student does not already have.
  let result = unfenced;
  if (options.referenceSolution !== undefined && options.referenceSolution.trim() !== '') {
    const student = new Set((options.studentCode ?? '').split('\n').map(normalizeLine));
    const significant = options.referenceSolution
      .split('\n')
      .map(normalizeLine)
      .filter((l) => l.replace(/[^A-Za-z0-9]/g, '').length >= 8 && !student.has(l));
    let dropped = 0;
    result = unfenced.filter((l) => {
      const n = normalizeLine(l);
      const hit = significant.some((s) => n.includes(s));
      if (hit) dropped++;
      return !hit;
    });
    if (dropped > 0) removed.push({ kind: 'solution_lines', lines: dropped });

    // Reproducing a large part of the solution in any form (reflowed, renamed lines kept) is a leak.
    const solutionShingles = shingles(options.referenceSolution);
    for (const s of shingles(options.studentCode ?? '')) solutionShingles.delete(s);
    if (solutionShingles.size >= 4) {
      const answerShingles = shingles(result.join('\n'));
      let common = 0;
      for (const s of solutionShingles) if (answerShingles.has(s)) common++;
      if (common / solutionShingles.size >= 0.3) return { ok: false, reason: 'solution', removed };
    }
  }

  let text = result.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  const meaningful = text.replace(/\[code removed\]/g, '').replace(/\s+/g, ' ').trim();
  if (meaningful.length < minChars) return { ok: false, reason: removed.length > 0 ? 'solution' : 'empty', removed };
  if (removed.length > 0) {
    text = `${cutAtSentence(text, Math.max(0, maxChars - CODE_REMOVED_NOTE.length - 2))}\n\n${CODE_REMOVED_NOTE}`;
  } else {
    text = cutAtSentence(text, maxChars);
  }
  return { ok: true, text, removed };
}
