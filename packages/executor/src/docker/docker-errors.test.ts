import { describe, expect, it } from 'vitest';
import { EdgeLabError } from '@edgelab/core';
import { toSandboxError } from './docker-errors.js';

const context = { endpoint: 'unix:///var/run/docker.sock', image: 'edgelab/python:bookworm' };

describe('toSandboxError', () => {
  it('maps an unreachable engine to SANDBOX_UNAVAILABLE naming the socket and how to start Docker', () => {
    const error = toSandboxError(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }), 'create', context);
    expect(error.code).toBe('SANDBOX_UNAVAILABLE');
    expect(error.message).toContain('unix:///var/run/docker.sock');
    expect(error.message).toContain('scripts/start-docker.sh');
  });

  it('maps "no such image" to SANDBOX_IMAGE_MISSING with the build command', () => {
    const error = toSandboxError(
      Object.assign(new Error('(HTTP code 404) no such container - No such image: edgelab/python:bookworm'), { statusCode: 404 }),
      'create',
      context,
    );
    expect(error.code).toBe('SANDBOX_IMAGE_MISSING');
    expect(error.message).toContain('pnpm edgelab images build --offline');
  });

  it('maps any other Docker failure to SANDBOX_FAILED (retried by the judge, never a verdict)', () => {
    const error = toSandboxError(Object.assign(new Error('server error'), { statusCode: 500 }), 'start', context);
    expect(error.code).toBe('SANDBOX_FAILED');
    expect(error.message).toContain('server error');
  });

  it('passes EdgeLab errors (timeouts) through unchanged', () => {
    const timeout = new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'docker create did not answer within 1 ms' });
    expect(toSandboxError(timeout, 'create', context)).toBe(timeout);
  });
});
