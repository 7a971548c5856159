import type { LanguageId, TestKind, Verdict } from '@edgelab/core';

/**
 * Caps on what a {@link FeedbackInput} holds, so a prompt built from it stays small (cost bound) whatever the
 * student submits.
 */
export const FEEDBACK_INPUT_LIMITS = {
  statementChars: 6000,
  codeChars: 16_000,
  /** Per field of a public test (input, expected, actual, stderr, message). */
  fieldChars: 800,
  compileChars: 2000,
  /** Public tests described in detail; the others are only counted. */
  detailedTests: 4,
} as const;

/** One student file, as the student wrote it. */
export interface StudentFile {
  readonly name: string;
  readonly content: string;
}

/** The outcome of one PUBLIC test: everything in it may be shown to the student. */
export interface PublicTestOutcome {
  readonly name: string;
  readonly kind: TestKind;
  readonly verdict: Verdict;
  readonly points: number;
  readonly maxPoints: number;
  /** The judge's short reason, e.g. the first differing line. */
  readonly message?: string;
  readonly input?: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly stderr?: string;
  readonly truncated?: boolean;
}

/** What the student may know about hidden tests: counts only, never their data. */
export interface HiddenTestSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  /** Failed hidden tests per verdict (e.g. `{ time_limit: 2 }`), when the public view exposes verdicts. */
  readonly failedByVerdict: Readonly<Partial<Record<Verdict, number>>>;
}

/**
 * Everything feedback (AI or rules) may use. It can ONLY hold public information: there is no field for a
 * hidden test's input, expected or actual output, message or stderr. Build it with `buildFeedbackInput`.
 */
export interface FeedbackInput {
  readonly assignment: {
    readonly id: string;
    readonly title: string;
    readonly statement: string;
    readonly tags: readonly string[];
  };
  readonly language: LanguageId;
  /** The student's own code. */
  readonly files: readonly StudentFile[];
  readonly verdict: Verdict;
  readonly score: number;
  readonly maxScore: number;
  readonly percent: number;
  /** Compiler outcome (compiler output concerns only the student's code). */
  readonly compile?: { readonly ok: boolean; readonly verdict?: Verdict; readonly output: string };
  /** Public tests in assignment order, capped at {@link FEEDBACK_INPUT_LIMITS}.detailedTests failing ones first. */
  readonly publicTests: readonly PublicTestOutcome[];
  readonly publicTotals: { readonly total: number; readonly passed: number; readonly failed: number };
  readonly hidden: HiddenTestSummary;
  /** Limits of the assignment, for time and memory hints. */
  readonly limits?: { readonly timeMs?: number; readonly memoryMb?: number };
}
