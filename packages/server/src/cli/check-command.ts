import { EdgeLabError } from '@edgelab/core';
import type { Assignment, GradeResult, LanguageId, Source } from '@edgelab/core';
import type { GradingJudge } from '../grading-ports.js';
import { readAssignmentDirectory } from './assignment-source.js';
import { formatTable, oneLine } from './format-table.js';

/** One line of the `edgelab check` summary. */
export interface CheckRow {
  file: string;
  assignmentId: string;
  language: string;
  solution: string;
  expected: string;
  got: string;
  ok: boolean;
  note: string;
}

/** Options of {@link checkAssignments}. */
export interface CheckOptions {
  judge: GradingJudge;
  /** Progress lines as each grading starts and ends. */
  onProgress?: (line: string) => void;
}

function describe(result: GradeResult): string {
  return `${result.verdict} ${result.score}/${result.maxScore}`;
}

function firstProblem(result: GradeResult): string {
  if (result.compile !== undefined && !result.compile.ok) return `compile: ${result.compile.output}`;
  const failing = result.tests.find((t) => t.verdict !== 'accepted');
  return failing === undefined ? '' : `${failing.name}: ${failing.verdict}${failing.message === undefined ? '' : ` (${failing.message})`}`;
}

/**
 * Validates every assignment in `dir`, grades each reference solution (must score full marks) and each known-wrong
 * solution (must not, and must get its `expectVerdict` when set). Never stops at the first failure.
 */
export async function checkAssignments(dir: string, options: CheckOptions): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const files = await readAssignmentDirectory(dir);
  if (files.length === 0) throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `${dir}: no *.json assignment files found` });
  for (const entry of files) {
    if (!('assignment' in entry)) {
      for (const problem of entry.errors) options.onProgress?.(`✗ ${problem}`);
      rows.push({ file: entry.file, assignmentId: '?', language: '', solution: 'schema', expected: 'valid', got: `${entry.errors.length} problem(s)`, ok: false, note: oneLine(entry.errors[0], 80) });
      continue;
    }
    const assignment: Assignment = entry.assignment;
    for (const [language, spec] of Object.entries(assignment.languages) as Array<[LanguageId, NonNullable<Assignment['languages'][LanguageId]>]>) {
      const grade = async (name: string, code: Source) => {
        options.onProgress?.(`… ${assignment.id} ${language} ${name}`);
        try {
          return await options.judge.grade(assignment, { language, code });
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      };
      const base = { file: entry.file, assignmentId: assignment.id, language };
      if (spec.solution === undefined) {
        rows.push({ ...base, solution: 'reference', expected: 'full marks', got: 'none given', ok: true, note: 'no reference solution to check' });
      } else {
        const result = await grade('reference', spec.solution);
        const ok = !(result instanceof Error) && result.score === result.maxScore && result.verdict === 'accepted';
        const got = result instanceof Error ? `error: ${result.message}` : describe(result);
        rows.push({ ...base, solution: 'reference', expected: 'full marks', got, ok, note: ok || result instanceof Error ? '' : oneLine(firstProblem(result), 80) });
        options.onProgress?.(`${ok ? '✓' : '✗'} ${assignment.id} ${language} reference: ${got}`);
      }
      for (const wrong of spec.wrongSolutions ?? []) {
        const result = await grade(wrong.name, wrong.code);
        const expected = wrong.expectVerdict === undefined ? 'not full marks' : `${wrong.expectVerdict}, not full marks`;
        let ok = false;
        let got: string;
        if (result instanceof Error) got = `error: ${result.message}`;
        else {
          got = describe(result);
          ok = result.score < result.maxScore && (wrong.expectVerdict === undefined || result.verdict === wrong.expectVerdict);
        }
        rows.push({ ...base, solution: `wrong: ${wrong.name}`, expected, got, ok, note: '' });
        options.onProgress?.(`${ok ? '✓' : '✗'} ${assignment.id} ${language} wrong "${wrong.name}": ${got}`);
      }
    }
  }
  return rows;
}

/** The summary table of a check run. */
export function formatCheckRows(rows: readonly CheckRow[]): string {
  return formatTable([
    ['', 'assignment', 'language', 'solution', 'expected', 'got', 'note'],
    ...rows.map((r) => [r.ok ? 'ok' : 'FAIL', r.assignmentId, r.language, oneLine(r.solution, 30), r.expected, oneLine(r.got, 50), r.note]),
  ]);
}
