import { EdgeLabError, isEdgeLabError } from '@edgelab/core';

/** The Docker engine answered HTTP `status` (dockerode puts it on the error as `statusCode`). */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, ' ').trim();
  return String(error);
}

/** True when the error means the engine itself could not be reached (no socket, refused, DNS, TLS). */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE'].includes(code)
  );
}

/** `SANDBOX_UNAVAILABLE`: which engine was tried and how to start one. */
export function dockerUnavailable(endpoint: string, cause: unknown): EdgeLabError {
  return new EdgeLabError({
    code: 'SANDBOX_UNAVAILABLE',
    message:
      `the Docker engine is not reachable at ${endpoint} (${reason(cause)}): start it (\`sudo dockerd\`, or ` +
      '`bash scripts/start-docker.sh` from an EdgeLab checkout), set DOCKER_HOST to a reachable engine ' +
      '(unix://, tcp://host:2376, ssh://user@host), or use the bubblewrap backend',
    cause,
  });
}

/** `SANDBOX_IMAGE_MISSING`: which image on which engine, and the command that builds it. */
export function imageMissing(image: string, endpoint: string, cause?: unknown): EdgeLabError {
  return new EdgeLabError({
    code: 'SANDBOX_IMAGE_MISSING',
    message:
      `the runtime image ${image} is not on the Docker engine at ${endpoint}: build it with ` +
      '`pnpm edgelab images build --offline` (no registry needed)',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Maps a failed Docker call to the right `EdgeLabError`: unreachable engine, missing image, or (anything else,
 * mid-run) `SANDBOX_FAILED`, which the judge retries and never turns into a student verdict.
 */
export function toSandboxError(error: unknown, what: string, context: { endpoint: string; image?: string }): EdgeLabError {
  if (isEdgeLabError(error)) return error;
  if (isUnreachable(error)) return dockerUnavailable(context.endpoint, error);
  if (context.image && dockerStatus(error) === 404 && /no such image/i.test(reason(error))) {
    return imageMissing(context.image, context.endpoint, error);
  }
  return new EdgeLabError({
    code: 'SANDBOX_FAILED',
    message: `Docker ${what} failed on ${context.endpoint}: ${reason(error)}`,
    cause: error,
  });
}
