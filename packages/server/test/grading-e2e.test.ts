import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Assignment } from '@edgelab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultResponseSchema, RunResponseSchema } from '../src/http/api-schemas.js';
import { startGradingServer, ORIGINAL_ASSIGNMENTS, REPO_ASSIGNMENTS } from './support/grading-server.js';
import type { GradingServer } from './support/grading-server.js';
import { httpClient } from './support/http-client.js';
import { assertNoMarkers } from './support/marker-assignments.js';
import { sandboxAvailable } from './support/sandbox-service.js';
import { readEvents } from './support/sse-client.js';

const available = await sandboxAvailable();

describe.skipIf(!available)('grading end to end (real server, real SQLite, real sandbox)', () => {
  let server: GradingServer;
  let client: ReturnType<typeof httpClient>;
  const seen: Array<{ where: string; text: string }> = [];

  beforeAll(async () => {
    server = await startGradingServer();
    client = httpClient(server.url, (where, text) => seen.push({ where, text }));
  });
  afterAll(async () => {
    for (const { where, text } of seen) assertNoMarkers(text, server.fixtures.markers, where);
    await server?.stop();
  });

  const submit = async (assignmentId: string, language: string, code: unknown) => {
    const res = await client.post('/submit', { assignmentId, language, code });
    expect(res.status, res.text).toBe(202);
    return res.json.id as string;
  };
  const waitDone = async (id: string) => {
    for (let i = 0; i < 600; i += 1) {
      const res = await client.get(`/results/${id}`);
      if (res.json.status === 'done' || res.json.status === 'error') return res.json;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`submission ${id} not graded in time`);
  };

  it('GET /ready reports the database and the sandbox backend', async () => {
    const res = await client.get('/ready');
    expect(res.status, res.text).toBe(200);
    expect(res.json.checks).toEqual({ database: 'ok', sandbox: expect.stringMatching(/^ok \((docker|bwrap)\)$/) });
  });

  it.each(ORIGINAL_ASSIGNMENTS)('%s: the reference solution scores full marks, a wrong one does not', async (id) => {
    const assignment = JSON.parse(await readFile(join(REPO_ASSIGNMENTS, `${id}.json`), 'utf8')) as Assignment;
    const [language, spec] = Object.entries(assignment.languages)[0] as [string, NonNullable<Assignment['languages']['python']>];
    const good = await waitDone(await submit(id, language, spec.solution));
    expect(good.status).toBe('done');
    expect(good.verdict).toBe('accepted');
    expect(good.score).toBe(good.maxScore);
    expect(good.tests).toHaveLength(assignment.tests.length);
    // The answer matches the schema published in /openapi.json.
    ResultResponseSchema.parse(good);
    const wrong = spec.wrongSolutions?.find((w) => w.expectVerdict === 'wrong_answer') ?? spec.wrongSolutions?.[0];
    if (wrong === undefined) throw new Error(`${id} has no wrong solution`);
    const bad = await waitDone(await submit(id, language, wrong.code));
    ResultResponseSchema.parse(bad);
    expect(bad.status).toBe('done');
    expect(bad.score).toBeLessThan(bad.maxScore);
    // Hidden tests come back with their verdict only.
    for (const t of bad.tests.filter((t: { visibility: string }) => t.visibility === 'hidden')) {
      expect(t).not.toHaveProperty('input');
      expect(t).not.toHaveProperty('expected');
      expect(t).not.toHaveProperty('actual');
    }
  });

  it('streams a test event per finished test, then result, then feedback, with no hidden data', async () => {
    const id = await submit('fixture_shout', 'python', 'print(input())\n');
    const events = await readEvents(`${server.url}/results/${id}/events`);
    for (const e of events) seen.push({ where: `SSE ${id} ${e.event}`, text: e.raw });
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'test')).toHaveLength(4);
    expect(names.indexOf('result')).toBeGreaterThan(names.lastIndexOf('test'));
    expect(names.at(-1)).toBe('feedback');
    const result = events.find((e) => e.event === 'result')?.data;
    expect(result).toMatchObject({ status: 'done', verdict: 'wrong_answer', score: 0, maxScore: 4 });
    expect(events.at(-1)?.data).toMatchObject({ source: 'rules', text: expect.any(String) });
    const stored = await client.get(`/results/${id}`);
    expect(stored.json.feedback).toMatchObject({ source: 'rules' });
    // A reconnecting EventSource resumes after the last id it saw, and gets 204 (stop) once all was delivered.
    const secondTest = events.filter((e) => e.event === 'test')[1];
    const resumed = await readEvents(`${server.url}/results/${id}/events`, { headers: { 'last-event-id': secondTest?.id ?? '' } });
    expect(resumed.map((e) => e.event)).toEqual(['test', 'test', 'result', 'feedback']);
    expect((await client.get(`/results/${id}/events`, { 'last-event-id': 'result' })).text).toContain('event: feedback');
    expect((await client.get(`/results/${id}/events`, { 'last-event-id': 'feedback' })).status).toBe(204);
  });

  it('SSE resume after Last-Event-ID delivers every test event exactly once when hidden tests precede public ones in index order', async () => {
    const id = await submit('fixture_hidden_first', 'python', 'import time\ntime.sleep(0.3)\nprint(input().upper())\n');
    // Disconnect after the first test event: public tests run first, so that is a public test with a higher index
    // than the hidden test 0, which is still to come.
    const first = await readEvents(`${server.url}/results/${id}/events`, { until: (e) => e.event === 'test' });
    const firstTests = first.filter((e) => e.event === 'test');
    expect(firstTests).toHaveLength(1);
    expect(firstTests[0]?.data.index).toBeGreaterThan(0);
    const lastId = firstTests[0]?.id;
    expect(lastId).toBeDefined();
    const rest = await readEvents(`${server.url}/results/${id}/events`, { headers: { 'last-event-id': lastId ?? '' } });
    for (const e of [...first, ...rest]) seen.push({ where: `SSE ${id} ${e.event}`, text: e.raw });
    const delivered = [...firstTests, ...rest.filter((e) => e.event === 'test')].map((e) => e.data.index as number);
    expect(delivered.sort()).toEqual([0, 1, 2, 3]);
    expect(rest.find((e) => e.event === 'result')?.data).toMatchObject({ status: 'done', verdict: 'accepted' });
  });

  it('grades every marker fixture (python io + unit, java, sql) without any response leaking hidden data', async () => {
    const cases: Array<[string, string, string, boolean]> = [
      ['fixture_shout', 'python', 'print(input().upper())\n', true],
      ['fixture_unit', 'python', 'def double(x):\n    return 2 * x\n', true],
      ['fixture_unit', 'python', 'def double(x):\n    return x + 2\n', false],
      ['fixture_java_shout', 'java', 'public class Main { public static void main(String[] a) { System.out.println(new java.util.Scanner(System.in).nextLine()); } }\n', false],
      ['fixture_sql_names', 'sql', 'SELECT name FROM people ORDER BY name;', true],
      ['fixture_sql_names', 'sql', "SELECT name || 'x' AS name FROM people;", false],
    ];
    const ids = await Promise.all(cases.map(([a, l, c]) => submit(a, l, c)));
    for (const [i, id] of ids.entries()) {
      const result = await waitDone(id);
      const full = cases[i]?.[3];
      expect(result.status, JSON.stringify(result)).toBe('done');
      if (full) expect(result.score, JSON.stringify(result)).toBe(result.maxScore);
      else expect(result.score).toBeLessThan(result.maxScore);
    }
    const compileError = await waitDone(await submit('fixture_java_shout', 'java', 'public class Main {\n  public static void main(String[] a) {\n    int x = 1\n  }\n}\n'));
    expect(compileError).toMatchObject({ status: 'done', verdict: 'compile_error', score: 0, compile: { ok: false } });
    expect(compileError.compile.output).toMatch(/Main\.java:3/);
    // Stored full results do hold the markers: the checks above would catch a leak, they are not vacuous.
    const stored = await server.store.results.get(ids[0] as string);
    expect(JSON.stringify(stored?.result).toLowerCase()).toContain(server.fixtures.markers[0]);
  });

  it('POST /run grades the public tests only, synchronously, storing nothing', async () => {
    const before = await server.store.queue.stats();
    const res = await client.post('/run', { assignmentId: 'fixture_shout', language: 'python', code: 'print(input().upper())\n' });
    expect(res.status, res.text).toBe(200);
    RunResponseSchema.parse(res.json);
    const publicTests = res.json.tests.filter((t: { visibility: string }) => t.visibility === 'public');
    expect(publicTests.every((t: { verdict: string }) => t.verdict === 'accepted')).toBe(true);
    expect(res.json.tests.filter((t: { visibility: string }) => t.visibility === 'hidden').every((t: { verdict: string }) => t.verdict === 'skipped')).toBe(true);
    expect(await server.store.queue.stats()).toEqual(before);
  });

  it('grades 100 concurrent submissions, each exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => submit('fixture_shout', 'python', `print(input().upper())  # ${i}\n`)));
    expect(new Set(ids).size).toBe(100);
    const results = [];
    for (const id of ids) results.push(await waitDone(id));
    expect(results.filter((r) => r.status === 'done' && r.score === r.maxScore)).toHaveLength(100);
    const metrics = await client.get('/metrics');
    expect(metrics.text).toMatch(/edgelab_verdicts_total\{verdict="accepted"\} \d+/);
    const stats = await server.store.queue.stats();
    expect(stats.pending + stats.running).toBe(0);
  }, 600_000);
});
