import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { isEdgeLabError } from '@edgelab/core';
import type { GradeResult, TestResult } from '@edgelab/core';
import type { Lease, Store } from '@edgelab/store';
import type { Logger } from 'pino';
import type { GradingEvents } from './grading-events.js';
import type { FeedbackProvider, GradingJudge } from './grading-ports.js';
import type { ServerMetrics } from './metrics.js';

/** Options for {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  store: Store;
  judge: GradingJudge;
  /** Concurrent gradings in this process. */
  concurrency: number;
  /** Lease length; heartbeats run every third of it. Default 30 s. */
  leaseMs?: number;
  /** How long an idle worker sleeps before asking the queue again (in-process submits wake it sooner). Default 500 ms. */
  pollMs?: number;
  /** How often expired leases of dead workers are returned to the queue. Default `leaseMs`. */
  reclaimEveryMs?: number;
  events?: GradingEvents;
  feedback?: FeedbackProvider;
  metrics?: ServerMetrics;
  logger?: Logger;
  /** Prefix of worker ids (shown in leases); default `<hostname>:<pid>`. */
  workerIdPrefix?: string;
}

/** What {@link WorkerPool.stop} does with work in flight. */
export interface StopOptions {
  /** How long in-flight gradings may take to finish before they are released back to the queue. Default 20 s. */
  graceMs?: number;
}

/** Grading workers of one process, claiming from the store's queue with leases and heartbeats. */
export interface WorkerPool {
  /** Reclaims expired leases, then starts the workers. */
  start(): Promise<void>;
  /** Stops claiming; lets in-flight gradings finish within the grace period, releases the rest; waits for feedback. */
  stop(options?: StopOptions): Promise<void>;
  /** Workers grading right now. */
  busy(): number;
}

/** Infrastructure faults worth another attempt; anything else that throws is a bug and ends the submission in `error`. */
function isRetryable(error: unknown): boolean {
  if (!isEdgeLabError(error)) return true;
  return ['SANDBOX_FAILED', 'SANDBOX_UNAVAILABLE', 'SANDBOX_IMAGE_MISSING', 'STORE_UNAVAILABLE', 'INTERNAL'].includes(error.code);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates the worker pool. Each worker: claim → grade with the judge (each finished test → `queue.progress`) →
 * `complete`; a thrown infrastructure error → `fail(retryable)`. After `complete`, feedback is produced in the
 * background and stored with `results.setFeedback`: it never delays the score.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { store, judge } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 500;
  const reclaimEveryMs = options.reclaimEveryMs ?? leaseMs;
  const log = options.logger;
  const prefix = options.workerIdPrefix ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const stopping = new AbortController();
  const releaseNow = new AbortController();
  const loops: Promise<void>[] = [];
  const feedbackTasks = new Set<Promise<void>>();
  let busy = 0;
  let reclaimTimer: NodeJS.Timeout | undefined;

  const reclaim = async () => {
    try {
      const n = await store.queue.reclaimExpired();
      if (n > 0) {
        log?.info({ reclaimed: n }, 'returned expired leases to the queue');
        options.events?.enqueued();
      }
    } catch (error) {
      log?.warn({ err: error }, 'reclaiming expired leases failed');
    }
  };

  const attachFeedback = (lease: Lease, result: GradeResult) => {
    const provider = options.feedback;
    if (provider === undefined) return;
    const task = (async () => {
      try {
        const feedback = await provider.feedbackFor({
          assignment: lease.assignment,
          submission: { language: lease.submission.language, code: lease.submission.code },
          result,
        });
        if (feedback === null) return;
        await store.results.setFeedback(lease.submissionId, feedback);
        options.events?.changed(lease.submissionId);
      } catch (error) {
        log?.warn({ err: error, submissionId: lease.submissionId }, 'feedback failed');
      }
    })();
    feedbackTasks.add(task);
    void task.finally(() => feedbackTasks.delete(task));
  };

  const gradeOne = async (lease: Lease, workerLog: Logger | undefined) => {
    const grading = new AbortController();
    const onRelease = () => grading.abort();
    releaseNow.signal.addEventListener('abort', onRelease);
    let current = lease;
    let lost = false;
    const heartbeat = setInterval(() => {
      store.queue.heartbeat(current).then(
        (next) => {
          current = next;
        },
        (error: unknown) => {
          if (isEdgeLabError(error, 'CONFLICT')) {
            lost = true;
            grading.abort();
          }
          workerLog?.warn({ err: error, submissionId: lease.submissionId }, 'heartbeat failed');
        },
      );
    }, Math.max(250, Math.floor(leaseMs / 3)));
    // Progress writes are chained so they land in test order and before `complete`.
    let progress: Promise<void> = Promise.resolve();
    const onTest = (test: TestResult) => {
      progress = progress
        .then(() => store.queue.progress(current, test))
        .then(() => options.events?.changed(lease.submissionId))
        .catch((error: unknown) => workerLog?.warn({ err: error, submissionId: lease.submissionId }, 'progress write failed'));
    };
    try {
      const result = await judge.grade(lease.assignment, { language: lease.submission.language, code: lease.submission.code }, { onTest, signal: grading.signal });
      await progress;
      if (grading.signal.aborted) throw new Error(lost ? 'lease lost during grading' : 'grading released at shutdown');
      await store.queue.complete(current, result);
      options.metrics?.graded((Date.now() - lease.submission.createdAt.getTime()) / 1000, result.verdict);
      options.events?.changed(lease.submissionId);
      workerLog?.info({ submissionId: lease.submissionId, verdict: result.verdict, score: result.score, ms: result.durationMs }, 'graded');
      attachFeedback(current, result);
    } catch (error) {
      await progress;
      if (isEdgeLabError(error, 'CONFLICT') || lost) {
        workerLog?.warn({ submissionId: lease.submissionId }, 'lease lost; another worker owns this submission now');
        return;
      }
      const retryable = releaseNow.signal.aborted || isRetryable(error);
      if (!releaseNow.signal.aborted) {
        options.metrics?.sandboxError(isEdgeLabError(error) ? error.code : 'UNKNOWN');
        workerLog?.error({ err: error, submissionId: lease.submissionId, retryable }, 'grading failed');
      }
      const reason = isEdgeLabError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      try {
        const outcome = await store.queue.fail(current, reason.slice(0, 2000), { retryable });
        if (outcome.status === 'pending') options.events?.enqueued();
        options.events?.changed(lease.submissionId);
      } catch (failError) {
        workerLog?.warn({ err: failError, submissionId: lease.submissionId }, 'could not release the submission; its lease will expire');
      }
    } finally {
      clearInterval(heartbeat);
      releaseNow.signal.removeEventListener('abort', onRelease);
    }
  };

  const loop = async (workerId: string) => {
    const workerLog = log?.child({ workerId });
    while (!stopping.signal.aborted) {
      let lease: Lease | null = null;
      try {
        lease = await store.queue.claim(workerId, leaseMs);
      } catch (error) {
        workerLog?.warn({ err: error }, 'claim failed; retrying');
        await sleep(pollMs);
        continue;
      }
      if (lease === null) {
        await (options.events ? options.events.waitForWork(pollMs, stopping.signal) : sleep(pollMs));
        continue;
      }
      busy += 1;
      try {
        await gradeOne(lease, workerLog);
      } finally {
        busy -= 1;
      }
    }
  };

  return {
    async start() {
      await reclaim();
      reclaimTimer = setInterval(() => void reclaim(), reclaimEveryMs);
      reclaimTimer.unref();
      for (let i = 0; i < options.concurrency; i += 1) loops.push(loop(`${prefix}:${i}`));
    },
    async stop(stopOptions = {}) {
      stopping.abort();
      if (reclaimTimer !== undefined) clearInterval(reclaimTimer);
      const all = Promise.all(loops);
      const grace = stopOptions.graceMs ?? 20_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace)))]);
      clearTimeout(timer);
      if (timedOut) {
        log?.warn('grace period over: releasing in-flight submissions back to the queue');
        releaseNow.abort();
        await all;
      }
      await Promise.allSettled([...feedbackTasks]);
    },
    busy: () => busy,
  };
}
