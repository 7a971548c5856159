import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeLabApiError, createEdgeLabClient, parseRetryAfter } from './api-client.js';
import type { ResultView } from './api-types.js';

// The client against a real HTTP server on loopback (Node's fetch; no EventSource in Node, so the stream is read
// over fetch, the same path browsers take when a token is set).
let server: Server | undefined;
let seen: Array<{ method: string; url: string; authorization: string | undefined; body: string }> = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('createEdgeLabClient', () => {
  it('types server errors by their code and keeps the message and details', async () => {
    const url = await serve((_req, res) => json(res, 400, { error: { code: 'SUBMISSION_INVALID', message: 'code is empty', details: ['code: empty'] } }));
    const error = await createEdgeLabClient({ server: url }).submit({ assignmentId: 'a', language: 'python', code: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgeLabApiError);
    expect(error).toMatchObject({ code: 'SUBMISSION_INVALID', status: 400, message: 'code is empty', details: ['code: empty'] });
  });

  it('reports 429 as RATE_LIMITED with the Retry-After seconds', async () => {
    const url = await serve((_req, res) => json(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '12' }));
    const error = await createEdgeLabClient({ server: url }).listAssignments().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 12 });
  });

  it('reports an unreachable server as NETWORK_ERROR naming the server', async () => {
    const url = await serve(() => undefined);
    server!.close();
    server = undefined;
    const error = await createEdgeLabClient({ server: url }).listAssignments().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    expect((error as Error).message).toContain(url);
  });

  it('reports a non-EdgeLab answer as BAD_RESPONSE', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    await expect(createEdgeLabClient({ server: url }).listAssignments()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('sends the bearer token and the JSON body', async () => {
    const url = await serve((_req, res) => json(res, 202, { id: 'abc12345', status: 'pending' }));
    const accepted = await createEdgeLabClient({ server: `${url}/`, token: 't0k' }).submit({ assignmentId: 'two', language: 'python', code: 'print(1)' });
    expect(accepted).toEqual({ id: 'abc12345', status: 'pending' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/submit', authorization: 'Bearer t0k' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ assignmentId: 'two', language: 'python', code: 'print(1)' });
  });

  it('normalises an assignment whose languages are a record', async () => {
    const url = await serve((_req, res) =>
      json(res, 200, { id: 'two', title: 'Two', statement: '# Two', tags: [], languages: { python: { starter: 'x = 1' } }, tests: [{ index: 0, name: 'a', visibility: 'hidden', points: 2 }] }),
    );
    const view = await createEdgeLabClient({ server: url }).getAssignment('two');
    expect(view.languages).toEqual([{ id: 'python', starter: 'x = 1' }]);
    expect(view.tests[0]).toMatchObject({ visibility: 'hidden', points: 2 });
  });

  it('gives a synchronous /run result an id and status done', async () => {
    const url = await serve((_req, res) => json(res, 200, { verdict: 'accepted', score: 2, maxScore: 2, tests: [] }));
    const outcome = await createEdgeLabClient({ server: url }).run({ assignmentId: 'two', language: 'python', code: 'x' });
    expect(outcome).toMatchObject({ id: 'run-1', status: 'done', verdict: 'accepted', score: 2 });
  });

  it('follows a result over the event stream: tests, result, then feedback', async () => {
    const done: ResultView = { id: 'sub12345', status: 'done', verdict: 'accepted', score: 1, maxScore: 1, tests: [] };
    const url = await serve((req, res) => {
      if (req.url === '/results/sub12345') return json(res, 200, { id: 'sub12345', status: 'running', tests: [] });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 2000\n\n');
      res.write(`event: test\ndata: ${JSON.stringify({ index: 0, name: 't', visibility: 'public', verdict: 'accepted', points: 1, maxPoints: 1 })}\n\n`);
      res.write(`event: result\ndata: ${JSON.stringify({ ...done, tests: [{ index: 0, name: 't', visibility: 'public', verdict: 'accepted', points: 1, maxPoints: 1 }] })}\n\n`);
      res.end(`event: feedback\ndata: ${JSON.stringify({ source: 'rules', text: 'well done' })}\n\n`);
    });
    const statuses: string[] = [];
    const transports: string[] = [];
    const feedback = await new Promise((resolve, reject) => {
      createEdgeLabClient({ server: url }).watchResult('sub12345', {
        onResult: (r) => statuses.push(`${r.status}:${r.tests.length}`),
        onFeedback: resolve,
        onError: reject,
        onTransport: (t) => transports.push(t),
      });
    });
    expect(feedback).toEqual({ source: 'rules', text: 'well done' });
    expect(statuses).toEqual(['running:0', 'running:1', 'done:1', 'done:1']);
    expect(transports).toEqual(['events']);
  });

  it('falls back to polling when the stream fails, and stops on an unknown submission', async () => {
    let polls = 0;
    const url = await serve((req, res) => {
      if (req.url?.endsWith('/events')) return json(res, 500, { error: { code: 'INTERNAL', message: 'no' } });
      polls += 1;
      if (polls < 3) return json(res, 200, { id: 'sub12345', status: 'running', tests: [] });
      return json(res, 404, { error: { code: 'SUBMISSION_NOT_FOUND', message: 'gone' } });
    });
    const error = await new Promise<EdgeLabApiError>((resolve) => {
      createEdgeLabClient({ server: url, pollIntervalMs: 20 }).watchResult('sub12345', { onError: resolve });
    });
    expect(error.code).toBe('SUBMISSION_NOT_FOUND');
    expect(polls).toBe(3);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, rounding up to at least one second', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('0')).toBe(1);
    expect(parseRetryAfter(new Date(10_000 + 30_000).toUTCString(), 10_000)).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
