import { join } from 'node:path';
import type { Assignment, GradeResult, Submission } from '@edgelab/core';
import { createStore, type Store } from '@edgelab/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedbackProvider } from '../src/feedback/index.js';
import { createGradingEvents } from '../src/grading-events.js';
import { createWorkerPool, type WorkerPool } from '../src/worker-pool.js';
import { makeAssignment, makeGradeResult, makeTestResult } from './support/feedback-fixtures.js';
import { FAKE_DEFAULT_REPLY, startFakeOllama, type FakeOllama } from './support/fake-ollama.js';
import { tempDir } from './support/temp-dir.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A judge that grades instantly with a fixed verdict: this test is about ordering, not judging. */
const judge = {
  async grade(assignment: Assignment, submission: Submission): Promise<GradeResult> {
    return makeGradeResult(assignment, [
      makeTestResult({ index: 0, name: 'sample 1', verdict: 'wrong_answer', input: '1 2 3\n', expected: '6\n', actual: '5\n' }),
      makeTestResult({ index: 1, visibility: 'hidden' }),
    ], { language: submission.language });
  },
};

describe('feedback arrives after the score is final (real worker pool, SQLite store, fake Ollama)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let fake: FakeOllama;
  let pool: WorkerPool | undefined;

  beforeAll(async () => {
    dir = await tempDir('edgelab-feedback-');
    store = await createStore({ url: join(dir.path, 'edgelab.db') });
    await store.assignments.upsert(makeAssignment());
    fake = await startFakeOllama();
  });
  afterAll(async () => {
    await pool?.stop({ graceMs: 1000 });
    await store?.close();
    await fake?.close();
    await dir?.cleanup();
  });

  it('stores the result as done while the model is still answering, then adds the AI feedback and wakes streams', async () => {
    fake.setDefault({ kind: 'reply', text: FAKE_DEFAULT_REPLY, delayMs: 1500 });
    const hub = createGradingEvents();
    // What the store holds each time the worker wakes SSE streams for this submission.
    const seenOnChange: Promise<'none' | 'score' | 'feedback'>[] = [];
    const events = {
      ...hub,
      changed(id: string) {
        seenOnChange.push(store.results.get(id).then((r) => (r === undefined ? 'none' : r.feedback === null ? 'score' : 'feedback')));
        hub.changed(id);
      },
    };
    const order: string[] = [];
    const feedback = createFeedbackProvider({ host: fake.url, timeoutMs: 10_000 });
    pool = createWorkerPool({ store, judge, events, feedback, concurrency: 1, pollMs: 50 });
    const submission = await store.submissions.create({ assignmentId: 'sum_list', language: 'python', code: 'print(5)\n' });
    const watch = (async () => {
      for (let i = 0; i < 200; i++) {
        await events.waitForChange(submission.id, 100);
        const stored = await store.results.get(submission.id);
        if (stored !== undefined && !order.includes('score')) order.push('score');
        if (stored?.feedback != null) {
          order.push('feedback');
          return;
        }
      }
    })();
    await pool.start();

    // The score is final while the model is still working on the feedback.
    let stored = await store.results.get(submission.id);
    for (let i = 0; i < 100 && stored === undefined; i++) {
      await sleep(20);
      stored = await store.results.get(submission.id);
    }
    expect((await store.submissions.get(submission.id))?.status).toBe('done');
    expect(stored?.result).toMatchObject({ score: 1, maxScore: 2, verdict: 'wrong_answer' });
    expect(stored?.feedback).toBeNull();
    await expect.poll(() => fake.inFlight, { timeout: 5000 }).toBe(1);

    await watch;
    expect(order).toEqual(['score', 'feedback']);
    // Streams were woken once the score was stored, and again once the feedback was.
    const seen = await Promise.all(seenOnChange);
    expect(seen).toContain('score');
    expect(seen.at(-1)).toBe('feedback');
    const final = await store.results.get(submission.id);
    expect(final?.feedback).toEqual({ source: 'ai', text: FAKE_DEFAULT_REPLY, model: 'phi3' });
    // Attaching feedback does not touch the score.
    const { feedback: _added, ...scored } = final?.result ?? ({} as GradeResult);
    expect(scored).toEqual(stored?.result);
    expect(final?.feedbackAt?.getTime()).toBeGreaterThanOrEqual(final?.createdAt.getTime() ?? Infinity);
  });
});
