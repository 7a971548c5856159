import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from './support/http-client.js';
import type { TestResponse } from './support/http-client.js';
import { startTestApp } from './support/test-app.js';
import type { TestApp } from './support/test-app.js';

let app: TestApp;
let client: ReturnType<typeof httpClient>;

beforeAll(async () => {
  app = await startTestApp();
  client = httpClient(app.url);
});
afterAll(async () => app?.close());

function expectClientError(res: TestResponse, status: number, code?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json?.error?.message, res.text).toEqual(expect.any(String));
  expect(res.json.error.message.length).toBeGreaterThan(10);
  if (code !== undefined) expect(res.json.error.code).toBe(code);
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(res.headers.get('content-type')).toContain('application/json');
}

const valid = { assignmentId: 'fixture_shout', language: 'python', code: 'print(input().upper())\n' };
const raw = (body: string | Uint8Array, contentType = 'application/json') => client.request('POST', '/submit', { raw: body, headers: { 'content-type': contentType } });

describe('bad input gets a 4xx with a message saying what to fix, never a 5xx', () => {
  it('malformed JSON, empty body and non-JSON bodies', async () => {
    expectClientError(await raw('{"assignmentId": "fixture_shout",'), 400, 'BAD_REQUEST');
    expectClientError(await raw(''), 400, 'BAD_REQUEST');
    expectClientError(await raw('null'), 400, 'BAD_REQUEST');
    expectClientError(await raw('[1,2,3]'), 400, 'BAD_REQUEST');
    expectClientError(await raw('"just a string"'), 400, 'BAD_REQUEST');
  });

  it('wrong or missing content type is 415', async () => {
    const form = await raw('assignmentId=fixture_shout', 'application/x-www-form-urlencoded');
    expectClientError(form, 415);
    expect(form.json.error.message).toContain('application/json');
    expectClientError(await raw(JSON.stringify(valid), 'text/plain'), 415);
    expectClientError(await client.request('POST', '/submit', { raw: JSON.stringify(valid), headers: {} }), 415);
  });

  it('a non-UTF-8 body is rejected, not silently altered', async () => {
    const bytes = Buffer.concat([Buffer.from('{"assignmentId":"fixture_shout","language":"python","code":"print(\''), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\')"}')]);
    const res = await raw(bytes);
    expectClientError(res, 400, 'BAD_REQUEST');
    expect(res.json.error.message).toContain('UTF-8');
  });

  it('an oversized body is 413; code over 64 KB is SUBMISSION_INVALID', async () => {
    expectClientError(await client.post('/submit', { ...valid, code: 'x'.repeat(2 * 1024 * 1024) }), 413);
    const big = await client.post('/submit', { ...valid, code: `# ${'x'.repeat(70 * 1024)}\n` });
    expectClientError(big, 400, 'SUBMISSION_INVALID');
    expect(big.json.error.message).toMatch(/64|KB|large/i);
  });

  it('wrong types and unknown fields name the field', async () => {
    const wrongType = await client.post('/submit', { ...valid, code: 42 });
    expectClientError(wrongType, 400, 'BAD_REQUEST');
    expect(wrongType.json.error.message).toContain('code');
    expectClientError(await client.post('/submit', { ...valid, assignmentId: ['x'] }), 400, 'BAD_REQUEST');
    expectClientError(await client.post('/submit', { ...valid, language: null }), 400, 'BAD_REQUEST');
    expectClientError(await client.post('/submit', { assignmentId: 'fixture_shout' }), 400, 'BAD_REQUEST');
    const extra = await client.post('/submit', { ...valid, admin: true });
    expectClientError(extra, 400, 'BAD_REQUEST');
    expect(extra.json.error.message).toContain('admin');
  });

  it('empty code and lone surrogates are SUBMISSION_INVALID', async () => {
    expectClientError(await client.post('/submit', { ...valid, code: '' }), 400, 'SUBMISSION_INVALID');
    expectClientError(await raw('{"assignmentId":"fixture_shout","language":"python","code":"print(\\"\\ud800\\")"}'), 400, 'SUBMISSION_INVALID');
  });

  it('unknown assignments and languages', async () => {
    expectClientError(await client.post('/submit', { ...valid, assignmentId: 'no_such_assignment' }), 404, 'ASSIGNMENT_NOT_FOUND');
    expectClientError(await client.post('/submit', { ...valid, language: 'cobol' }), 400, 'LANGUAGE_UNSUPPORTED');
    expectClientError(await client.post('/submit', { ...valid, language: 'java' }), 400, 'LANGUAGE_UNSUPPORTED');
    expectClientError(await client.get('/assignments/no_such_assignment'), 404, 'ASSIGNMENT_NOT_FOUND');
  });

  it('injection strings and malformed ids in paths', async () => {
    const ids = ["' OR 1=1 --", '../../etc/passwd', '%00', 'a'.repeat(5000), '<script>alert(1)</script>', 'Robert"); DROP TABLE submissions;--'];
    for (const id of ids) {
      const encoded = encodeURIComponent(id);
      expectClientError(await client.get(`/results/${encoded}`), 404, 'SUBMISSION_NOT_FOUND');
      expectClientError(await client.get(`/results/${encoded}/events`), 404, 'SUBMISSION_NOT_FOUND');
      expectClientError(await client.get(`/assignments/${encoded}`), 404, 'ASSIGNMENT_NOT_FOUND');
      expectClientError(await client.post('/submit', { ...valid, assignmentId: id }), id.length > 64 ? 400 : 404);
    }
    expectClientError(await client.get('/results/%E0%A4%A'), 404, 'SUBMISSION_NOT_FOUND');
    expectClientError(await client.get('/results/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'SUBMISSION_NOT_FOUND');
    // The database survived every attempt.
    expect((await client.get('/assignments')).json).toHaveLength(4);
  });

  it('unknown routes, wrong methods and bad Idempotency-Key', async () => {
    expectClientError(await client.get('/nope'), 404);
    expectClientError(await client.request('DELETE', '/submit'), 405);
    expectClientError(await client.request('PUT', '/assignments'), 405);
    expectClientError(await client.post('/submit', valid, { 'idempotency-key': 'x'.repeat(300) }), 400, 'BAD_REQUEST');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a client spends its burst', async () => {
    const limited = await startTestApp({ env: { EDGELAB_RATE_LIMIT_BURST: '2', EDGELAB_RATE_LIMIT_PER_MINUTE: '6' } });
    try {
      const c = httpClient(limited.url);
      expect((await c.post('/submit', valid)).status).toBe(202);
      expect((await c.post('/submit', valid)).status).toBe(202);
      const res = await c.post('/submit', valid);
      expectClientError(res, 429, 'RATE_LIMITED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await c.post('/run', valid)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('server faults', () => {
  it('a broken database gives a 5xx with only a code and the request id, and /ready reports it', async () => {
    const broken = await startTestApp();
    try {
      await broken.store.close();
      const c = httpClient(broken.url);
      const res = await c.get('/assignments', { 'x-request-id': 'fault-1' });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.json.error.requestId).toBe('fault-1');
      expect(res.json.error.message).toContain('fault-1');
      expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+|sqlite|\.db/i);
      const ready = await c.get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.json.checks.database).toBe('unreachable');
      expect((await c.get('/health')).status).toBe(200);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
