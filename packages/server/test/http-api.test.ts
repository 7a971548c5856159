import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignmentSummarySchema, PublicAssignmentSchema, ResultResponseSchema, SubmitResponseSchema } from '../src/http/api-schemas.js';
import { httpClient } from './support/http-client.js';
import { assertNoMarkers } from './support/marker-assignments.js';
import { startTestApp } from './support/test-app.js';
import type { TestApp } from './support/test-app.js';

let app: TestApp;
let client: ReturnType<typeof httpClient>;
const seen: Array<{ where: string; text: string }> = [];
/** Hashes of the whole fixture assignments (hidden tests included): no response may hold one. */
let fullVersions: string[] = [];

beforeAll(async () => {
  app = await startTestApp({ env: { EDGELAB_CORS_ORIGINS: 'https://lms.example.edu', EDGELAB_FRAME_ANCESTORS: "'self' https://lms.example.edu" } });
  client = httpClient(app.url, (where, text) => seen.push({ where, text }));
  fullVersions = (await app.store.assignments.list()).map((a) => a.version);
});
afterAll(async () => {
  // Every response of this file, whatever it was, holds no hidden test data.
  for (const { where, text } of seen) assertNoMarkers(text, app.fixtures.markers, where);
  expect(fullVersions).toHaveLength(4);
  for (const { where, text } of seen) for (const full of fullVersions) expect(text, `${where} holds a full assignment hash`).not.toContain(full);
  expect(seen.length).toBeGreaterThan(10);
  await app?.close();
});

describe('public endpoints', () => {
  it('GET /health answers ok and echoes a well-formed X-Request-Id', async () => {
    const res = await client.get('/health', { 'x-request-id': 'abc-123' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const generated = await client.get('/health', { 'x-request-id': 'bad id\twith spaces' });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers on every response', async () => {
    const res = await client.get('/assignments');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://lms.example.edu");
  });

  it('GET /assignments lists summaries, GET /assignments/:id the public view without hidden data', async () => {
    const list = await client.get('/assignments');
    expect(list.status).toBe(200);
    expect(list.json.map((a: { id: string }) => a.id).sort()).toEqual(['fixture_java_shout', 'fixture_shout', 'fixture_sql_names', 'fixture_unit']);
    for (const summary of list.json) AssignmentSummarySchema.parse(summary);
    for (const { id } of list.json as Array<{ id: string }>) {
      const one = await client.get(`/assignments/${id}`);
      PublicAssignmentSchema.parse(one.json);
      expect(one.status).toBe(200);
      expect(one.json.id).toBe(id);
      expect(one.text).not.toContain('"solution"');
    }
    const shout = await client.get('/assignments/fixture_shout');
    expect(shout.text).toContain('HELLO');
    expect(shout.text).not.toContain('wrongSolutions');
  });

  it('the public assignment version and the result never expose the full assignment hash (hidden tests included)', async () => {
    const stored = await app.store.assignments.get('fixture_shout');
    const shout = await client.get('/assignments/fixture_shout');
    expect(shout.json.version).toMatch(/^[0-9a-f]{64}$/);
    expect(shout.json.version).not.toBe(stored?.version);
    const submitted = await client.post('/submit', { assignmentId: 'fixture_shout', language: 'python', code: 'print(1)\n' });
    expect((await app.store.submissions.get(submitted.json.id))?.assignmentVersion).toBe(stored?.version);
    const result = await client.get(`/results/${submitted.json.id}`);
    expect(result.json).not.toHaveProperty('assignmentVersion');
    expect(result.text).not.toContain(stored?.version);
  });

  it('GET /languages and /openapi.json describe the API', async () => {
    const languages = await client.get('/languages');
    expect(languages.json.map((l: { id: string }) => l.id)).toEqual(['python', 'java', 'sql']);
    const doc = await client.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    const resolve = (schema: { $ref?: string }) => doc.json.components.schemas[(schema.$ref ?? '').replace('#/components/schemas/', '')];
    const submit = doc.json.paths['/submit'].post;
    expect(resolve(submit.requestBody.content['application/json'].schema).required).toEqual(['assignmentId', 'language', 'code']);
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['202', '400', '413', '415', '429']));
    const result = resolve(doc.json.paths['/results/{id}'].get.responses['200'].content['application/json'].schema);
    expect(result.properties.status.enum).toEqual(['pending', 'running', 'done', 'error']);
    expect(result.properties.tests.items.$ref).toBe('#/components/schemas/PublicTestResult');
    // Every $ref points at a defined component.
    for (const [, name] of doc.text.matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) expect(doc.json.components.schemas[name!]).toBeDefined();
  });

  it('GET /metrics renders Prometheus text with queue depth and HTTP counters', async () => {
    const res = await client.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(/^edgelab_queue_depth \d+$/m);
    expect(res.text).toMatch(/edgelab_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.text).toContain('edgelab_grading_seconds_bucket{le="+Inf"}');
  });

  it('GET /ready checks the database', async () => {
    const res = await client.get('/ready');
    expect(res.status).toBe(200);
    expect(res.json.checks.database).toBe('ok');
  });
});

describe('POST /submit', () => {
  it('stores the submission before answering 202 with Location, and the result is pending', async () => {
    const res = await client.post('/submit', { assignmentId: 'fixture_shout', language: 'python', code: 'print(input().upper())\n' });
    expect(res.status).toBe(202);
    expect(res.json.status).toBe('pending');
    expect(res.json.id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(res.headers.get('location')).toBe(`/results/${res.json.id}`);
    SubmitResponseSchema.parse(res.json);
    const stored = await app.store.submissions.get(res.json.id);
    expect(stored?.code).toBe('print(input().upper())\n');
    const result = await client.get(`/results/${res.json.id}`);
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ id: res.json.id, status: 'pending', score: null, tests: [], feedback: null });
    ResultResponseSchema.parse(result.json);
    expect(result.headers.get('cache-control')).toBe('no-store');
  });

  it('returns the same submission for a retried Idempotency-Key, and 409 for a different body', async () => {
    const body = { assignmentId: 'fixture_shout', language: 'python', code: 'print(1)\n' };
    const first = await client.post('/submit', body, { 'idempotency-key': 'retry-1' });
    const second = await client.post('/submit', body, { 'idempotency-key': 'retry-1' });
    expect(second.status).toBe(202);
    expect(second.json.id).toBe(first.json.id);
    const conflict = await client.post('/submit', { ...body, code: 'print(2)\n' }, { 'idempotency-key': 'retry-1' });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.code).toBe('CONFLICT');
  });

  it('POST /run without a sandbox answers 503 with a clear code', async () => {
    const res = await client.post('/run', { assignmentId: 'fixture_shout', language: 'python', code: 'print(1)\n' });
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('SANDBOX_UNAVAILABLE');
  });
});

describe('CORS', () => {
  it('answers preflights for allow-listed origins only', async () => {
    const ok = await client.request('OPTIONS', '/submit', {
      headers: { origin: 'https://lms.example.edu', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://lms.example.edu');
    expect(ok.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    const other = await client.request('OPTIONS', '/submit', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await client.get('/assignments', { origin: 'https://lms.example.edu' });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://lms.example.edu');
    expect(get.headers.get('vary')).toContain('Origin');
  });
});

describe('reference UI', () => {
  it('serves index.html with the UI CSP and edgelab.js from the web-components build, and says how to build when missing', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const ui = await mkdtemp(join(tmpdir(), 'edgelab-ui-'));
    await writeFile(join(ui, 'index.html'), '<!doctype html><script type="module" src="/edgelab.js"></script><edgelab-problem-list></edgelab-problem-list>');
    await writeFile(join(ui, 'edgelab.js'), 'customElements.define("x-y", class extends HTMLElement {});');
    const withUi = await startTestApp({ app: { uiDir: ui } });
    try {
      const c = httpClient(withUi.url);
      const page = await c.get('/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('edgelab-problem-list');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
      const js = await c.get('/edgelab.js');
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toContain('javascript');
      await rm(join(ui, 'edgelab.js'));
      const missing = await c.get('/edgelab.js');
      expect(missing.status).toBe(404);
      expect(missing.json.error.message).toContain('pnpm --filter @edgelab/web-components build');
    } finally {
      await withUi.close();
      await rm(ui, { recursive: true, force: true });
    }
  });
});
