import type { Feedback, LanguageId, Limits, SqlResultSet, SubmissionStatus, TestKind, Verdict, Visibility } from '@edgelab/core';

/** One entry of `GET /assignments`: enough to browse and filter. */
export interface AssignmentSummary {
  id: string;
  title: string;
  tags: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  languages: LanguageId[];
}

/**
 * A test as a student may see it (core's `PublicTestCase`, loosened): public tests carry their data, hidden ones
 * only a name and points.
 */
export interface PublicTestView {
  index: number;
  name: string;
  kind?: TestKind;
  visibility: Visibility;
  points: number;
  /** Public `io` tests: stdin. */
  input?: string;
  /** Public `sql` tests: setup SQL run before the query. */
  setup?: string;
  /** Public `unit` tests: the test code. */
  code?: string;
  /** Public tests: expected stdout, or the expected result set of an `sql` test. */
  expected?: string | SqlResultSet;
}

/** What an assignment offers in one language, as the browser sees it. */
export interface PublicLanguageView {
  id: LanguageId;
  /** Starter code: one main file, or named files (the editor shows the first). */
  starter: string | Record<string, string>;
  limits?: Partial<Limits>;
}

/** `GET /assignments/:id` (core's `PublicAssignment`), normalised by the client: languages always an array. */
export interface AssignmentView {
  id: string;
  title: string;
  /** Markdown; rendered through DOMPurify. */
  statement: string;
  tags: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  languages: PublicLanguageView[];
  limits?: Partial<Limits>;
  tests: PublicTestView[];
  /** How many tests are hidden, and their points together. */
  hiddenCount?: number;
  hiddenPoints?: number;
  maxScore?: number;
}

export { SubmissionStatus } from '@edgelab/core';

/** The outcome of one test (core's `PublicTestResult`); `expected`/`actual` only for public tests. */
export interface PublicTestResultView {
  index: number;
  name: string;
  visibility: Visibility;
  verdict: Verdict;
  points: number;
  maxPoints: number;
  kind?: TestKind;
  message?: string;
  input?: string;
  expected?: string;
  actual?: string;
  stderr?: string;
  truncated?: boolean;
  usage?: { wallMs: number; cpuMs: number; memoryKb: number };
  timeMs?: number;
}

/** The compile step as a student may see it. */
export interface PublicCompileView {
  ok: boolean;
  output: string;
  verdict?: Verdict;
}

/**
 * `GET /results/:id`: a submission's state and, once done, its public result (core's `PublicGradeResult`). Also the
 * shape of a synchronous `POST /run` answer, which the client gives an id and status `done`.
 */
export interface ResultView {
  id: string;
  status: SubmissionStatus;
  assignmentId?: string;
  language?: LanguageId;
  verdict?: Verdict | null;
  score?: number | null;
  maxScore?: number | null;
  percent?: number | null;
  hiddenCount?: number;
  hiddenPassed?: number;
  tests: PublicTestResultView[];
  compile?: PublicCompileView;
  feedback?: Feedback | null;
  /** Why grading failed, when `status` is `error`. */
  error?: string;
}

/** `POST /submit` and `POST /run` answer 202 with the new submission's id. */
export interface SubmissionAccepted {
  id: string;
  status: SubmissionStatus;
}

/** The body of `POST /submit` and `POST /run`. */
export interface SubmissionRequest {
  assignmentId: string;
  language: LanguageId;
  code: string;
}

/** True once a submission will not change any more (feedback may still arrive). */
export function isTerminal(status: SubmissionStatus): boolean {
  return status === 'done' || status === 'error';
}
