/** The outcome of one test, and of a whole submission. */
export const Verdict = {
  accepted: 'accepted',
  wrong_answer: 'wrong_answer',
  time_limit: 'time_limit',
  memory_limit: 'memory_limit',
  output_limit: 'output_limit',
  /** The program crashed: non-zero exit code or killed by a signal. */
  runtime_error: 'runtime_error',
  compile_error: 'compile_error',
  /** The platform failed; never the student's fault. */
  internal_error: 'internal_error',
  /** Not run (e.g. after a compile error, or a public-only run). */
  skipped: 'skipped',
} as const;

/** One of the verdicts in {@link Verdict}. */
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** Every verdict, in a stable order. */
export const VERDICTS = Object.values(Verdict) as readonly Verdict[];
