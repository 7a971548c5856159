import type { LanguageId, PublicAssignment, PublicGradeResult, PublicVisibleTestResult, Verdict } from '@edgelab/core';
import { java, python, sql } from '@edgelab/executor';
import {
  FEEDBACK_INPUT_LIMITS,
  type FeedbackInput,
  type HiddenTestSummary,
  type PublicTestOutcome,
  type StudentFile,
} from './feedback-input.js';

/** What {@link buildFeedbackInput} takes: public views only, plus the student's own code. */
export interface BuildFeedbackInputOptions {
  /** From `toPublicAssignment(assignment)`. */
  readonly assignment: Pick<PublicAssignment, 'id' | 'title' | 'statement' | 'tags' | 'languages'>;
  /** From `toPublicResult(result)`. */
  readonly result: Pick<PublicGradeResult, 'language' | 'verdict' | 'score' | 'maxScore' | 'percent' | 'compile' | 'tests'>;
  /** The student's submission: one main file, or named files. */
  readonly code: string | Readonly<Record<string, string>>;
}

/** The main file name of a one-string submission, per language: the executor's, so traces name the same file. */
export const MAIN_FILE_NAMES: Readonly<Record<LanguageId, string>> = Object.freeze({
  python: python.mainFile,
  java: java.mainFile,
  sql: sql.mainFile,
});

/** Cuts `text` to `max` characters, saying so. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… [${text.length - max} more characters cut]`;
}

function passed(verdict: Verdict): boolean {
  return verdict === 'accepted';
}

function clipOptional(value: string | undefined): string | undefined {
  return value === undefined ? undefined : clipText(value, FEEDBACK_INPUT_LIMITS.fieldChars);
}

function limitsOf(assignment: BuildFeedbackInputOptions['assignment'], language: LanguageId): FeedbackInput['limits'] {
  const limits = assignment.languages?.[language]?.limits;
  return limits === undefined ? undefined : { timeMs: limits.timeMs, memoryMb: limits.memoryMb };
}

/**
 * Builds the only value feedback may see. Fields are copied one by one from the public views (a whitelist):
 * hidden tests contribute counts only, even if a caller wrongly passes a full `GradeResult` whose hidden tests
 * still carry data.
 */
export function buildFeedbackInput(options: BuildFeedbackInputOptions): FeedbackInput {
  const { assignment, result, code } = options;
  const files: StudentFile[] =
    typeof code === 'string'
      ? [{ name: MAIN_FILE_NAMES[result.language], content: clipText(code, FEEDBACK_INPUT_LIMITS.codeChars) }]
      : Object.entries(code).map(([name, content]) => ({ name, content: clipText(content, FEEDBACK_INPUT_LIMITS.codeChars) }));

  const publicAll = result.tests.filter((t): t is PublicVisibleTestResult => t.visibility === 'public');
  // Only verdicts are read from hidden tests, whatever else a caller's object may carry.
  const hiddenAll = result.tests.filter((t) => t.visibility !== 'public').map((t) => ({ verdict: t.verdict }));

  const failedByVerdict: Partial<Record<Verdict, number>> = {};
  for (const t of hiddenAll) {
    if (!passed(t.verdict)) failedByVerdict[t.verdict] = (failedByVerdict[t.verdict] ?? 0) + 1;
  }
  const hiddenPassed = hiddenAll.filter((t) => passed(t.verdict)).length;
  const hidden: HiddenTestSummary = {
    total: hiddenAll.length,
    passed: hiddenPassed,
    failed: hiddenAll.length - hiddenPassed,
    failedByVerdict,
  };

  // Failing public tests first (they are what the student needs), then passing ones, capped.
  const ordered = [...publicAll.filter((t) => !passed(t.verdict)), ...publicAll.filter((t) => passed(t.verdict))];
  const publicTests: PublicTestOutcome[] = ordered.slice(0, FEEDBACK_INPUT_LIMITS.detailedTests).map((t) => ({
    name: t.name,
    kind: t.kind,
    verdict: t.verdict,
    points: t.points,
    maxPoints: t.maxPoints,
    message: clipOptional(t.message),
    input: clipOptional(t.input),
    expected: clipOptional(t.expected),
    actual: clipOptional(t.actual),
    stderr: clipOptional(t.stderr),
    truncated: t.truncated,
  }));
  const publicPassed = publicAll.filter((t) => passed(t.verdict)).length;

  return {
    assignment: {
      id: assignment.id,
      title: assignment.title,
      statement: clipText(assignment.statement, FEEDBACK_INPUT_LIMITS.statementChars),
      tags: [...(assignment.tags ?? [])],
    },
    language: result.language,
    files,
    verdict: result.verdict,
    score: result.score,
    maxScore: result.maxScore,
    percent: result.percent,
    compile:
      result.compile === undefined
        ? undefined
        : {
            ok: result.compile.ok,
            verdict: result.compile.verdict,
            output: clipText(result.compile.output, FEEDBACK_INPUT_LIMITS.compileChars),
          },
    publicTests,
    publicTotals: { total: publicAll.length, passed: publicPassed, failed: publicAll.length - publicPassed },
    hidden,
    limits: limitsOf(assignment, result.language),
  };
}
