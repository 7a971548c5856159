import { EdgeLabError, isEdgeLabError } from '@edgelab/core';
import type { EdgeLabErrorCode } from '@edgelab/core';

/**
 * The one table mapping EdgeLab error codes to HTTP status codes (tRPC `getHTTPStatusCode` style).
 * Every error response of the server gets its status from here.
 */
export const HTTP_STATUS_BY_CODE = {
  ASSIGNMENT_INVALID: 400,
  ASSIGNMENT_NOT_FOUND: 404,
  SUBMISSION_INVALID: 400,
  SUBMISSION_NOT_FOUND: 404,
  LANGUAGE_UNSUPPORTED: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  SANDBOX_UNAVAILABLE: 503,
  SANDBOX_IMAGE_MISSING: 503,
  SANDBOX_FAILED: 503,
  STORE_UNAVAILABLE: 503,
  STORE_CORRUPT: 500,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
} as const satisfies Record<EdgeLabErrorCode, number>;

/** HTTP-only refinements of an EdgeLab code: same `code` in the body, a more precise status. */
export const HttpErrorStatus = {
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
} as const;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: EdgeLabErrorCode; message: string; details?: readonly string[]; requestId?: string };
}

/** An EdgeLab error carrying an explicit HTTP status (413, 415, 405) where the code's default is too coarse. */
export class HttpError extends EdgeLabError {
  readonly status: number;
  /** Extra headers for the response, e.g. `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, options: ConstructorParameters<typeof EdgeLabError>[0], headers: Record<string, string> = {}) {
    super(options);
    this.status = status;
    this.headers = headers;
  }
}

/** The HTTP status for an error code. */
export function httpStatusOf(code: EdgeLabErrorCode): number {
  return HTTP_STATUS_BY_CODE[code] ?? 500;
}

/**
 * Turns anything thrown into the status, headers and JSON body to send. Unknown errors become 500 INTERNAL with only
 * the request id: no message, stack or cause of a non-EdgeLab error ever leaves.
 */
export function toErrorResponse(error: unknown, requestId: string): { status: number; headers: Record<string, string>; body: ErrorBody } {
  if (isEdgeLabError(error)) {
    const status = error instanceof HttpError ? error.status : httpStatusOf(error.code);
    const headers = error instanceof HttpError ? { ...error.headers } : {};
    if (status >= 500) {
      // Infrastructure messages may name hosts, paths or sockets: keep them in the log, send the code.
      return {
        status,
        headers,
        body: { error: { code: error.code, message: publicInfraMessage(error.code, requestId), requestId } },
      };
    }
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details.length > 0) body.error.details = error.details;
    return { status, headers, body };
  }
  return {
    status: 500,
    headers: {},
    body: { error: { code: 'INTERNAL', message: `internal error; quote request id ${requestId} when reporting it`, requestId } },
  };
}

function publicInfraMessage(code: EdgeLabErrorCode, requestId: string): string {
  switch (code) {
    case 'SANDBOX_UNAVAILABLE':
    case 'SANDBOX_IMAGE_MISSING':
    case 'SANDBOX_FAILED':
      return `the grading sandbox is not available right now; retry later (request id ${requestId})`;
    case 'STORE_UNAVAILABLE':
      return `the database is not available right now; retry later (request id ${requestId})`;
    default:
      return `internal error; quote request id ${requestId} when reporting it`;
  }
}
