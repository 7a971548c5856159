import type { Feedback, LanguageId, Limits, TestKind, Verdict, Visibility } from '@edgelab/core';

/** One entry of `GET /assignments`: enough to browse and filter. */
export interface AssignmentSummary {
  id: string;
  title: string;
  tags: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  languages: LanguageId[];
}

/** A test as a student may see it: public tests carry their data, hidden ones only a name and points. */
export interface PublicTestView {
  index: number;
  name: string;
  kind?: TestKind;
  visibility: Visibility;
  points: number;
  /** Public tests only: stdin, setup SQL or unit-test code. */
  input?: string;
  /** Public tests only. */
  expected?: string;
}

/** What an assignment offers in one language, as the browser sees it. */
export interface PublicLanguageView {
  id: LanguageId;
  /** Starter code: one main file, or named files (the editor shows the first). */
  starter: string | Record<string, string>;
  limits?: Partial<Limits>;
}

/** `GET /assignments/:id`, normalised by the client (languages always an array). */
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
}

/** Where a submission is in its life. */
export const SubmissionStatus = {
  pending: 'pending',
  running: 'running',
  done: 'done',
  error: 'error',
} as const;
/** One of {@link SubmissionStatus}. */
export type SubmissionStatus = (typeof SubmissionStatus)[keyof typeof SubmissionStatus];

/** The outcome of one test as a student may see it; `expected`/`actual` only for public tests. */
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
}

/** The compile step as a student may see it. */
export interface PublicCompileView {
  ok: boolean;
  output: string;
  verdict?: Verdict;
}

/** `GET /results/:id`: a submission's state and, once done, its public result. */
export interface ResultView {
  id: string;
  status: SubmissionStatus;
  assignmentId?: string;
  language?: LanguageId;
  verdict?: Verdict;
  score?: number;
  maxScore?: number;
  percent?: number;
  tests: PublicTestResultView[];
  compile?: PublicCompileView;
  feedback?: Feedback | null;
  /** Why grading failed, when `status` is `error`. */
  message?: string;
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
