import { PassThrough } from 'node:stream';
import { toPublicTestResult } from '@edgelab/core';
import type { Store } from '@edgelab/store';
import type { Context } from 'koa';
import type { GradingEvents } from '../grading-events.js';
import { toResultResponse } from '../result-view.js';

/** Options for {@link streamResultEvents}. */
export interface ResultEventsOptions {
  store: Store;
  events: GradingEvents;
  submissionId: string;
  /** How often the store is polled (progress written by workers in other processes). Default 200 ms. */
  pollMs?: number;
  /** How long to wait for feedback after the result before closing the stream. Default 60 s. */
  feedbackWaitMs?: number;
  /** Interval of keep-alive comments. Default 15 s. */
  keepAliveMs?: number;
}

/**
 * Serves `GET /results/:id/events`: a `test` event per finished test (public view), then `result` (the same body as
 * `GET /results/:id`), then `feedback` when it arrives; then the stream ends. Works across processes by polling
 * the store; in-process workers wake it up early.
 */
export function streamResultEvents(ctx: Context, options: ResultEventsOptions): void {
  const { store, events, submissionId } = options;
  // EventSource reconnects after a stream ends, sending the last id it saw: resume after it, and answer 204
  // (which stops reconnecting, per the SSE spec) once everything was delivered.
  const lastEventId = ctx.get('last-event-id');
  if (lastEventId === 'feedback') {
    ctx.status = 204;
    return;
  }
  const resumeAfterResult = lastEventId === 'result';
  const delivered = parseDeliveredTests(lastEventId);
  const pollMs = options.pollMs ?? 200;
  const feedbackWaitMs = options.feedbackWaitMs ?? 60_000;
  const stream = new PassThrough();
  const abort = new AbortController();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.body = stream;
  const close = () => abort.abort();
  ctx.req.on('close', close);
  stream.on('close', close);

  const send = (event: string, data: unknown, id?: string) => {
    if (abort.signal.aborted) return;
    stream.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
  };
  const keepAlive = setInterval(() => {
    if (!abort.signal.aborted) stream.write(': keep-alive\n\n');
  }, options.keepAliveMs ?? 15_000);

  const run = async () => {
    stream.write('retry: 2000\n\n');
    // Tests finish in run order (public before hidden), not index order: each test event's id carries the set of
    // every test index delivered so far, so a resume skips exactly those, whatever the order.
    const sent = new Set<number>(delivered);
    const sendTest = (test: Parameters<typeof toPublicTestResult>[0]) => {
      sent.add(test.index);
      send('test', toPublicTestResult(test), testEventId(sent));
    };
    for (;;) {
      if (abort.signal.aborted) return;
      const submission = await store.submissions.get(submissionId);
      if (submission === undefined) return;
      if (submission.status === 'done') {
        const stored = await store.results.get(submissionId);
        if (stored !== undefined) {
          if (!resumeAfterResult) {
            for (const test of stored.result.tests) {
              if (!sent.has(test.index)) sendTest(test);
            }
            send('result', toResultResponse(submission, stored, []), 'result');
          }
          let feedback = stored.feedback;
          const deadline = Date.now() + feedbackWaitMs;
          while (feedback === null && Date.now() < deadline && !abort.signal.aborted) {
            await events.waitForChange(submissionId, Math.min(pollMs * 5, 1000), abort.signal);
            feedback = (await store.results.get(submissionId))?.feedback ?? null;
          }
          if (feedback !== null) send('feedback', feedback, 'feedback');
          return;
        }
      }
      if (submission.status === 'error') {
        send('result', toResultResponse(submission, undefined, []), 'result');
        return;
      }
      for (const test of await store.submissions.getProgress(submissionId)) {
        if (!sent.has(test.index)) sendTest(test);
      }
      await events.waitForChange(submissionId, pollMs, abort.signal);
    }
  };
  run()
    .catch((error: unknown) => {
      const log = (ctx.state as { log?: { error(o: unknown, m: string): void } }).log;
      log?.error({ err: error }, 'result event stream failed');
      send('error', { error: { code: 'INTERNAL', message: 'the event stream failed; read GET /results/:id instead' } });
    })
    .finally(() => {
      clearInterval(keepAlive);
      ctx.req.off('close', close);
      stream.end();
    });
}

/** Most tests an event id can name (a 1024-hex-digit bitmap); far above any real assignment. */
const MAX_TESTS_IN_ID = 4096;

/**
 * The id of a `test` event: `tests-` and a hex bitmap of every test index delivered so far (bit `i % 4` of hex digit
 * `i / 4`, digit 0 first). Exact whatever order tests finish in.
 */
export function testEventId(delivered: ReadonlySet<number>): string {
  let max = -1;
  for (const i of delivered) if (i > max) max = i;
  const digits = new Array<number>(Math.floor(max / 4) + 1).fill(0);
  for (const i of delivered) digits[Math.floor(i / 4)] = (digits[Math.floor(i / 4)] ?? 0) | (1 << (i % 4));
  return `tests-${digits.map((d) => d.toString(16)).join('')}`;
}

/** The test indices named by a `Last-Event-ID` from {@link testEventId}; empty for anything else. */
export function parseDeliveredTests(lastEventId: string): Set<number> {
  const out = new Set<number>();
  const match = new RegExp(`^tests-([0-9a-f]{1,${MAX_TESTS_IN_ID / 4}})$`).exec(lastEventId);
  if (match === null) return out;
  const hex = match[1] ?? '';
  for (let d = 0; d < hex.length; d += 1) {
    const bits = Number.parseInt(hex[d] ?? '0', 16);
    for (let b = 0; b < 4; b += 1) if ((bits & (1 << b)) !== 0) out.add(d * 4 + b);
  }
  return out;
}
