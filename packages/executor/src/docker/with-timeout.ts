import { EdgeLabError, type EdgeLabErrorCode } from '@edgelab/core';

/**
 * Bounds a promise by a timeout so that no Docker call can hang a grading: on expiry it rejects with an
 * `EdgeLabError` of `code` (default `SANDBOX_FAILED`) naming the operation.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  code: EdgeLabErrorCode = 'SANDBOX_FAILED',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EdgeLabError({ code, message: `${what} did not answer within ${ms} ms` })),
      ms,
    );
    timer.unref?.();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
