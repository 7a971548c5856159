import { EventEmitter } from 'node:events';

/**
 * In-process wake-ups between the HTTP layer and the workers of one process: `enqueued` wakes idle workers,
 * `changed(id)` wakes SSE streams of that submission. The store stays the source of truth (streams and workers
 * also poll it), so this only cuts latency; across processes polling alone suffices.
 */
export interface GradingEvents {
  enqueued(): void;
  changed(submissionId: string): void;
  /** Resolves on the next `enqueued`, or after `ms`. */
  waitForWork(ms: number, signal?: AbortSignal): Promise<void>;
  /** Resolves on the next `changed(submissionId)`, or after `ms`. */
  waitForChange(submissionId: string, ms: number, signal?: AbortSignal): Promise<void>;
}

/** Creates the in-process event hub. */
export function createGradingEvents(): GradingEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const wait = (event: string, ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        emitter.off(event, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      emitter.on(event, done);
      signal?.addEventListener('abort', done, { once: true });
      if (signal?.aborted) done();
    });
  return {
    enqueued: () => emitter.emit('enqueued'),
    changed: (id) => emitter.emit(`changed:${id}`),
    waitForWork: (ms, signal) => wait('enqueued', ms, signal),
    waitForChange: (id, ms, signal) => wait(`changed:${id}`, ms, signal),
  };
}
