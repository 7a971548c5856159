import type { LanguageId, TestKind, Visibility } from './assignment-schema.js';
import type { Verdict } from './verdicts.js';

/** What a student submits: the language and the code (one main file, or named files). */
export interface Submission {
  language: LanguageId;
  /** The main file's content, or a map of file name to content. */
  code: string | Record<string, string>;
}

/** Measured resource use of one run. */
export interface RunUsage {
  /** Wall-clock time in milliseconds. */
  wallMs: number;
  /** CPU time (user + system) in milliseconds. */
  cpuMs: number;
  /** Peak resident memory in KiB, or 0 when unknown. */
  memoryKb: number;
}

/**
 * The full result of one test, as the grader sees it. Holds hidden data: never send it to a student;
 * use `toPublicResult`.
 */
export interface TestResult {
  /** Position of the test in the assignment's `tests`. */
  index: number;
  name: string;
  kind: TestKind;
  visibility: Visibility;
  group?: string;
  verdict: Verdict;
  /** Points earned (after group all-or-nothing scoring). */
  points: number;
  maxPoints: number;
  usage: RunUsage;
  /** A short human-readable reason, e.g. the first differing line. */
  message?: string;
  /** The test's input (stdin, setup SQL or unit-test code). */
  input?: string;
  expected?: string;
  actual?: string;
  stderr?: string;
  /** Whether `actual`/`stderr` were cut because the output limit was hit. */
  truncated?: boolean;
}

/** The outcome of compiling, for compiled languages. */
export interface CompileResult {
  ok: boolean;
  /** Compiler output (file names as the student's). */
  output: string;
  usage: RunUsage;
  /** `compile_error`, `time_limit` (compile took too long), ... when not ok. */
  verdict?: Verdict;
}

/** The full result of grading a submission. Holds hidden data: never send it to a student; use `toPublicResult`. */
export interface GradeResult {
  assignmentId: string;
  /**
   * Content hash of the whole assignment this was graded against ({@link assignmentVersion}), when known. Internal:
   * it covers hidden tests, so {@link toPublicResult} leaves it out.
   */
  assignmentVersion?: string;
  language: LanguageId;
  /** Overall verdict: `accepted`, or the first failing test's verdict in test order. */
  verdict: Verdict;
  score: number;
  maxScore: number;
  /** score / maxScore * 100, rounded to 2 decimals; 0 when maxScore is 0. */
  percent: number;
  compile?: CompileResult;
  tests: TestResult[];
  /** Total wall time of grading, in milliseconds. */
  durationMs: number;
  /** Which sandbox backend ran it. */
  sandbox?: string;
  feedback?: Feedback;
}

/** Feedback for the student, from the AI model or the deterministic fallback. */
export interface Feedback {
  source: 'ai' | 'rules';
  text: string;
  model?: string;
}
