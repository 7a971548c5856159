import { EdgeLabError, EdgeLabErrorCode } from '@edgelab/core';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS_BY_CODE, HttpError, toErrorResponse } from './http-status.js';

describe('HTTP_STATUS_BY_CODE', () => {
  it('maps every EdgeLab error code to a status', () => {
    for (const code of Object.values(EdgeLabErrorCode)) expect(HTTP_STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
  });
});

describe('toErrorResponse', () => {
  it('sends client errors with their message and details', () => {
    const response = toErrorResponse(new EdgeLabError({ code: 'SUBMISSION_INVALID', message: 'code is empty', details: ['a'] }), 'r1');
    expect(response).toEqual({ status: 400, headers: {}, body: { error: { code: 'SUBMISSION_INVALID', message: 'code is empty', details: ['a'] } } });
  });

  it('keeps explicit statuses and headers of HttpError', () => {
    const response = toErrorResponse(new HttpError(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'Retry-After': '3' }), 'r1');
    expect(response.status).toBe(429);
    expect(response.headers).toEqual({ 'Retry-After': '3' });
  });

  it('never lets an unknown error message, stack or infrastructure detail out', () => {
    const unknown = toErrorResponse(new Error('ECONNREFUSED /var/run/secret.sock'), 'req-9');
    expect(unknown.status).toBe(500);
    expect(JSON.stringify(unknown.body)).not.toMatch(/secret|ECONNREFUSED|at /);
    expect(unknown.body.error).toMatchObject({ code: 'INTERNAL', requestId: 'req-9' });
    const infra = toErrorResponse(new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'docker at /var/run/docker.sock died' }), 'req-10');
    expect(infra.status).toBe(503);
    expect(JSON.stringify(infra.body)).not.toContain('docker.sock');
  });
});
