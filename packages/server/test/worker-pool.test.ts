import { join } from 'node:path';
import { EdgeLabError, parseAssignment } from '@edgelab/core';
import type { Assignment, GradeResult } from '@edgelab/core';
import { createFakeSandbox, createJudge } from '@edgelab/executor';
import { createStore } from '@edgelab/store';
import type { Store } from '@edgelab/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGradingEvents } from '../src/grading-events.js';
import type { GradingJudge } from '../src/grading-ports.js';
import { createServerMetrics } from '../src/metrics.js';
import { toResultResponse, GRADING_ERROR_MESSAGE } from '../src/result-view.js';
import { createWorkerPool } from '../src/worker-pool.js';
import { markerAssignments } from './support/marker-assignments.js';
import { tempDir } from './support/temp-dir.js';

// These tests inject infrastructure faults (a sandbox dying, a slow grading at shutdown) that a real sandbox cannot
// produce on demand; the judge is therefore a scripted stand-in. Real grading is covered by grading-e2e.test.ts.
let store: Store;
let dir: Awaited<ReturnType<typeof tempDir>>;
let assignment: Assignment;

beforeEach(async () => {
  dir = await tempDir();
  store = await createStore({ url: join(dir.path, 'edgelab.db') });
  const raw = markerAssignments().assignments[0];
  assignment = parseAssignment(raw, 'fixture');
  await store.assignments.upsert(raw);
});
afterEach(async () => {
  await store.close();
  await dir.cleanup();
});

function acceptedResult(a: Assignment): GradeResult {
  const tests = a.tests.map((t, index) => ({
    index,
    name: t.name ?? `Test ${index + 1}`,
    kind: t.kind,
    visibility: t.visibility,
    verdict: 'accepted' as const,
    points: 1,
    maxPoints: 1,
    usage: { wallMs: 1, cpuMs: 1, memoryKb: 0 },
  }));
  return { assignmentId: a.id, language: 'python', verdict: 'accepted', score: tests.length, maxScore: tests.length, percent: 100, tests, durationMs: 5 };
}

const submitOne = () => store.submissions.create({ assignmentId: assignment.id, language: 'python', code: 'print(input().upper())\n' });

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('createWorkerPool', () => {
  it('retries a submission whose grading hit a sandbox failure, and counts the failure', async () => {
    let calls = 0;
    const judge: GradingJudge = {
      async grade(a, _s, options) {
        calls += 1;
        if (calls === 1) throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'runner died' });
        for (const t of acceptedResult(a).tests) options?.onTest?.(t);
        return acceptedResult(a);
      },
    };
    const metrics = createServerMetrics();
    const pool = createWorkerPool({ store, judge, concurrency: 1, leaseMs: 2000, pollMs: 20, metrics, events: createGradingEvents() });
    const { id } = await submitOne();
    await pool.start();
    await until(async () => (await store.submissions.get(id))?.status === 'done', 'done');
    await pool.stop();
    expect((await store.submissions.get(id))?.attempts).toBe(2);
    expect(metrics.render({})).toContain('edgelab_sandbox_errors_total{code="SANDBOX_FAILED"} 1');
    expect(metrics.render({})).toContain('edgelab_verdicts_total{verdict="accepted"} 1');
  });

  it('with the real judge: a sandbox that dies twice (the judge retries once, then throws) is requeued and graded on the next attempt', async () => {
    const sandbox = createFakeSandbox({
      run: ({ sessionIndex, request }) => {
        if (sessionIndex < 2) throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'runner died' });
        return { stdout: (request.stdin ?? '').toUpperCase() };
      },
    });
    const pool = createWorkerPool({ store, judge: createJudge({ sandbox }), concurrency: 1, leaseMs: 2000, pollMs: 20 });
    const { id } = await submitOne();
    await pool.start();
    await until(async () => (await store.submissions.get(id))?.status === 'done', 'done');
    await pool.stop();
    expect((await store.submissions.get(id))?.attempts).toBe(2);
    expect((await store.results.get(id))?.result).toMatchObject({ verdict: 'accepted', score: 4 });
    expect(sandbox.openSessions).toBe(0);
  });

  it('ends in status error after the last attempt, and the public result hides the internal reason', async () => {
    const judge: GradingJudge = {
      async grade() {
        throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'docker socket /var/run/docker.sock vanished' });
      },
    };
    const pool = createWorkerPool({ store, judge, concurrency: 2, leaseMs: 2000, pollMs: 20 });
    const { id } = await submitOne();
    await pool.start();
    await until(async () => (await store.submissions.get(id))?.status === 'error', 'error');
    await pool.stop();
    const submission = await store.submissions.get(id);
    expect(submission?.attempts).toBe(3);
    const view = toResultResponse(submission!, undefined, []);
    expect(view).toMatchObject({ status: 'error', error: GRADING_ERROR_MESSAGE, score: null });
    expect(JSON.stringify(view)).not.toContain('docker.sock');
  });

  it('on stop, releases a grading that outlives the grace period back to the queue; a restart completes it once', async () => {
    const slow: GradingJudge = {
      grade: (_a, _s, options) =>
        new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    };
    const first = createWorkerPool({ store, judge: slow, concurrency: 1, leaseMs: 5000, pollMs: 20 });
    const { id } = await submitOne();
    await first.start();
    await until(async () => (await store.submissions.get(id))?.status === 'running', 'running');
    await first.stop({ graceMs: 100 });
    expect((await store.submissions.get(id))?.status).toBe('pending');

    const fast: GradingJudge = { grade: async (a) => acceptedResult(a) };
    const second = createWorkerPool({ store, judge: fast, concurrency: 1, leaseMs: 5000, pollMs: 20 });
    await second.start();
    await until(async () => (await store.submissions.get(id))?.status === 'done', 'done');
    await second.stop();
    expect((await store.results.get(id))?.result.score).toBe(4);
  });

  it('stores the score before asking for feedback; feedback arrives afterwards and wakes streams', async () => {
    const events = createGradingEvents();
    let stateWhenAsked: unknown;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const pool = createWorkerPool({
      store,
      judge: { grade: async (a) => acceptedResult(a) },
      concurrency: 1,
      leaseMs: 5000,
      pollMs: 20,
      events,
      feedback: {
        async feedbackFor({ result }) {
          const { id } = (await store.submissions.list({ limit: 1 }))[0]!;
          stateWhenAsked = { status: (await store.submissions.get(id))?.status, stored: (await store.results.get(id))?.result.score, score: result.score };
          await gate;
          return { source: 'rules', text: 'well done' };
        },
      },
    });
    const { id } = await submitOne();
    await pool.start();
    await until(async () => stateWhenAsked !== undefined, 'feedback request');
    expect(stateWhenAsked).toEqual({ status: 'done', stored: 4, score: 4 });
    expect((await store.results.get(id))?.feedback).toBeNull();
    const woken = events.waitForChange(id, 10_000);
    release();
    await woken;
    await until(async () => (await store.results.get(id))?.feedback !== null, 'feedback stored');
    expect((await store.results.get(id))?.feedback).toEqual({ source: 'rules', text: 'well done' });
    await pool.stop();
  });
});
