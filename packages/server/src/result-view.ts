import { toPublicResult, toPublicTestResult } from '@edgelab/core';
import type { Feedback, TestResult } from '@edgelab/core';
import type { StoredResult, StoredSubmission } from '@edgelab/store';

/** The public answer of `GET /results/:id`: the store's records through core's public views, nothing added. */
export interface ResultResponse {
  id: string;
  assignmentId: string;
  // No assignment version: the stored one hashes the whole assignment, hidden tests included (kept internal).
  language: string;
  status: StoredSubmission['status'];
  createdAt: string;
  finishedAt: string | null;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  verdict: string | null;
  tests: unknown[];
  compile?: unknown;
  feedback: Feedback | null;
  error?: string;
  [key: string]: unknown;
}

/** Message for status `error`: the stored reason may name hosts or paths, so it stays in the log. */
export const GRADING_ERROR_MESSAGE =
  'grading failed because of a platform fault, not because of your code; submit again later or ask your instructor';

/** Builds the public result from a submission, its result (when done) and its streamed progress (while running). */
export function toResultResponse(submission: StoredSubmission, stored: StoredResult | undefined, progress: readonly TestResult[]): ResultResponse {
  const base = {
    id: submission.id,
    assignmentId: submission.assignmentId,
    language: submission.language,
    status: submission.status,
    createdAt: submission.createdAt.toISOString(),
    finishedAt: submission.finishedAt?.toISOString() ?? null,
  };
  if (submission.status === 'done' && stored !== undefined) {
    const { feedback: _ignored, ...publicResult } = toPublicResult(stored.result) as unknown as Record<string, unknown> & { feedback?: unknown };
    return {
      ...publicResult,
      ...base,
      score: stored.result.score,
      maxScore: stored.result.maxScore,
      percent: stored.result.percent,
      verdict: stored.result.verdict,
      tests: (publicResult.tests as unknown[] | undefined) ?? [],
      feedback: stored.feedback,
    };
  }
  return {
    ...base,
    // A submission read between `complete` and this read is `done`; anything else has no score yet.
    status: submission.status === 'done' ? 'running' : submission.status,
    score: null,
    maxScore: null,
    percent: null,
    verdict: null,
    tests: submission.status === 'error' ? [] : progress.map((t) => toPublicTestResult(t)),
    feedback: null,
    ...(submission.status === 'error' ? { error: GRADING_ERROR_MESSAGE } : {}),
  };
}
