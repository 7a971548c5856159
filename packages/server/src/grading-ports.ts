import type { Assignment, Feedback, GradeResult, LanguageId, Submission, TestResult } from '@edgelab/core';

/**
 * The subset of the executor's `Judge` the server needs (kysely-style: type only what you use), so tests of the
 * HTTP layer can pass any judge and the server stays a thin adapter.
 */
export interface GradingJudge {
  grade(
    assignment: Assignment,
    submission: Submission,
    options?: { onTest?: (test: TestResult) => void; publicOnly?: boolean; signal?: AbortSignal },
  ): Promise<GradeResult>;
}

/** The subset of the executor's `Sandbox` that `GET /ready` probes. */
export interface SandboxProbe {
  readonly backend: string;
  ensureReady(language: LanguageId): Promise<void>;
}

/** What the worker gives the feedback service after a result is stored. */
export interface FeedbackRequest {
  assignment: Assignment;
  submission: Submission;
  result: GradeResult;
}

/** Produces feedback for a finished result (AI or rule-based); the worker stores it and wakes SSE streams. */
export interface FeedbackProvider {
  feedbackFor(request: FeedbackRequest): Promise<Feedback | null>;
}
