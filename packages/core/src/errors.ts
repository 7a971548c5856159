/**
 * Stable error codes, one map for the whole SDK. Only the server maps them to HTTP status.
 */
export const EdgeLabErrorCode = {
  /** An assignment definition failed validation; `details` lists every problem. */
  ASSIGNMENT_INVALID: 'ASSIGNMENT_INVALID',
  /** No assignment with that id. */
  ASSIGNMENT_NOT_FOUND: 'ASSIGNMENT_NOT_FOUND',
  /** A submission failed validation (empty, too large, not UTF-8, ...). */
  SUBMISSION_INVALID: 'SUBMISSION_INVALID',
  /** No submission with that id. */
  SUBMISSION_NOT_FOUND: 'SUBMISSION_NOT_FOUND',
  /** The language is not known, or the assignment does not offer it. */
  LANGUAGE_UNSUPPORTED: 'LANGUAGE_UNSUPPORTED',
  /** A request or input was malformed. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The caller is not authenticated. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The caller may not see or do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** Too many requests; retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A request conflicts with the current state (e.g. a stale queue lease). */
  CONFLICT: 'CONFLICT',
  /** No sandbox backend can run here (no Docker, no bubblewrap). */
  SANDBOX_UNAVAILABLE: 'SANDBOX_UNAVAILABLE',
  /** A runtime image or root file system is missing. */
  SANDBOX_IMAGE_MISSING: 'SANDBOX_IMAGE_MISSING',
  /** The sandbox failed while running code: the platform's fault, never the student's. */
  SANDBOX_FAILED: 'SANDBOX_FAILED',
  /** The database could not be opened, reached or migrated. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** A stored record could not be read back (corrupt row). */
  STORE_CORRUPT: 'STORE_CORRUPT',
  /** Configuration (environment, flags, files) is wrong. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** Anything else: a bug. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the stable error codes in {@link EdgeLabErrorCode}. */
export type EdgeLabErrorCode = (typeof EdgeLabErrorCode)[keyof typeof EdgeLabErrorCode];

/** Options for {@link EdgeLabError}. */
export interface EdgeLabErrorOptions {
  code: EdgeLabErrorCode;
  /** What, where and how to fix. */
  message: string;
  /** Extra machine-readable detail, e.g. the list of problems of an invalid assignment. */
  details?: readonly string[];
  cause?: unknown;
}

/**
 * The one error class of EdgeLab. Messages say what, where and how to fix.
 *
 * ### Examples
 * ```ts
 * throw new EdgeLabError({ code: 'LANGUAGE_UNSUPPORTED', message: 'language "cobol" is not offered by python_two_sum; offered: python' });
 * ```
 */
export class EdgeLabError extends Error {
  override readonly name = 'EdgeLabError';
  /** The stable code: what went wrong, for programs (the server maps it to an HTTP status). */
  readonly code: EdgeLabErrorCode;
  /** Every individual problem, e.g. each `<source>: <json path>: <message>` of an invalid assignment. */
  readonly details: readonly string[];

  constructor(options: EdgeLabErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.details = options.details ?? [];
  }
}

/** True when `value` is an {@link EdgeLabError}, optionally with the given code. */
export function isEdgeLabError(value: unknown, code?: EdgeLabErrorCode): value is EdgeLabError {
  return value instanceof EdgeLabError && (code === undefined || value.code === code);
}
