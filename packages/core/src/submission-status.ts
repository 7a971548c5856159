/** Where a submission is in its life: queued, being graded, graded, or given up on. */
export const SubmissionStatus = {
  pending: 'pending',
  running: 'running',
  done: 'done',
  /** Gave up after the retry limit (internal errors only; a student's crash is a `done` with a verdict). */
  error: 'error',
} as const;
/** One of {@link SubmissionStatus}. */
export type SubmissionStatus = (typeof SubmissionStatus)[keyof typeof SubmissionStatus];

/** Every submission status, in life order. */
export const SUBMISSION_STATUSES = Object.values(SubmissionStatus) as [SubmissionStatus, ...SubmissionStatus[]];
