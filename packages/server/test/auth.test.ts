import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from './support/http-client.js';
import { startTestApp } from './support/test-app.js';
import type { TestApp } from './support/test-app.js';

const secret = 'edgelab-test-secret-0123456789-abcdef';
const adminKey = 'admin-key-0123456789abcdef';
const lmsKey = 'lms-key-0123456789abcdefgh';
let app: TestApp;
let client: ReturnType<typeof httpClient>;

const jwtFor = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('10m').sign(new TextEncoder().encode(secret));
const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
const valid = { assignmentId: 'fixture_shout', language: 'python', code: 'print(input().upper())\n' };

beforeAll(async () => {
  app = await startTestApp({ env: { EDGELAB_AUTH: 'token', EDGELAB_JWT_SECRET: secret, EDGELAB_API_KEYS: `${adminKey}:admin,${lmsKey}:lms` } });
  client = httpClient(app.url);
});
afterAll(async () => app?.close());

describe('EDGELAB_AUTH=token', () => {
  it('rejects requests without a valid bearer token with 401 and WWW-Authenticate', async () => {
    const none = await client.get('/assignments');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('UNAUTHORIZED');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await client.post('/submit', valid, bearer('not-a-key'))).status).toBe(401);
    expect((await client.get('/health')).status).toBe(200);
  });

  it('lets only the submitter or an admin read a result', async () => {
    const alice = await jwtFor('alice');
    const bob = await jwtFor('bob');
    const submitted = await client.post('/submit', valid, bearer(alice));
    expect(submitted.status).toBe(202);
    const id = submitted.json.id as string;
    expect((await app.store.submissions.get(id))?.submitterId).toBe('user:alice');
    expect((await client.get(`/results/${id}`, bearer(alice))).status).toBe(200);
    const forbidden = await client.get(`/results/${id}`, bearer(bob));
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.code).toBe('FORBIDDEN');
    expect((await client.get(`/results/${id}/events`, bearer(bob))).status).toBe(403);
    expect((await client.get(`/results/${id}`, bearer(adminKey))).status).toBe(200);
    // EventSource cannot send headers: the event stream (and only it) takes ?access_token=.
    expect((await client.get(`/results/${id}/events?access_token=${encodeURIComponent(bob)}`)).status).toBe(403);
    expect((await client.get(`/results/${id}/events?access_token=garbage`)).status).toBe(401);
    expect((await client.get(`/results/${id}?access_token=${encodeURIComponent(alice)}`)).status).toBe(401);
    const stream = await fetch(`${app.url}/results/${id}/events?access_token=${encodeURIComponent(alice)}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
  });

  it('lets an lms key submit and read on behalf of a user given in X-EdgeLab-User', async () => {
    const submitted = await client.post('/submit', valid, bearer(lmsKey, { 'x-edgelab-user': 'carol' }));
    expect(submitted.status).toBe(202);
    expect((await app.store.submissions.get(submitted.json.id))?.submitterId).toBe('user:carol');
    expect((await client.get(`/results/${submitted.json.id}`, bearer(await jwtFor('carol')))).status).toBe(200);
    expect((await client.get(`/results/${submitted.json.id}`, bearer(lmsKey, { 'x-edgelab-user': 'dave' }))).status).toBe(403);
  });

  it('a JWT whose sub is `key:<id>` cannot read what that lms key submitted without X-EdgeLab-User', async () => {
    const submitted = await client.post('/submit', valid, bearer(lmsKey));
    expect(submitted.status).toBe(202);
    const id = submitted.json.id as string;
    const keyId = createHash('sha256').update(lmsKey).digest('hex').slice(0, 12);
    expect((await app.store.submissions.get(id))?.submitterId).toBe(`key:${keyId}`);
    expect((await client.get(`/results/${id}`, bearer(lmsKey))).status).toBe(200);
    const forged = await client.get(`/results/${id}`, bearer(await jwtFor(`key:${keyId}`)));
    expect(forged.status).toBe(403);
    expect((await client.get(`/results/${id}`, bearer(lmsKey, { 'x-edgelab-user': `key:${keyId}` }))).status).toBe(403);
  });

  it('keeps idempotency keys per submitter', async () => {
    const a = await client.post('/submit', valid, bearer(await jwtFor('erin'), { 'idempotency-key': 'same' }));
    const b = await client.post('/submit', valid, bearer(await jwtFor('frank'), { 'idempotency-key': 'same' }));
    expect(a.json.id).not.toBe(b.json.id);
  });

  it('shows metrics to admins only', async () => {
    expect((await client.get('/metrics', bearer(await jwtFor('alice')))).status).toBe(403);
    expect((await client.get('/metrics', bearer(adminKey))).status).toBe(200);
  });
});
