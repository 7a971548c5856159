/** Options of {@link createConcurrencyLimiter}. */
export interface ConcurrencyLimiterOptions {
  /** Calls running at once; default 1. */
  concurrency?: number;
  /** Calls allowed to wait; past it {@link QueueFullError} is thrown at once. Default 32. */
  maxQueue?: number;
}

/** Thrown by {@link ConcurrencyLimiter.run} when too many calls are already waiting. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/** Runs at most `concurrency` async calls at a time; the others wait in order. */
export interface ConcurrencyLimiter {
  /** Runs `fn` when a slot is free. Waiting ends early (rejecting with the signal's reason) if `signal` aborts. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly pending: number;
}

/**
 * Creates a FIFO concurrency limiter. Hand-written (~40 lines) rather than `p-limit` because waiting must be
 * cancellable by an AbortSignal (the feedback deadline includes queueing) and the queue must be bounded.
 */
export function createConcurrencyLimiter(options: ConcurrencyLimiterOptions = {}): ConcurrencyLimiter {
  const concurrency = options.concurrency ?? 1;
  const maxQueue = options.maxQueue ?? 32;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  let active = 0;
  const waiting: { start: () => void }[] = [];

  const next = () => {
    while (active < concurrency && waiting.length > 0) waiting.shift()?.start();
  };

  return {
    get active() {
      return active;
    },
    get pending() {
      return waiting.length;
    },
    run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active >= concurrency && waiting.length >= maxQueue) {
        return Promise.reject(new QueueFullError(`${waiting.length} calls are already waiting (maxQueue ${maxQueue})`));
      }
      return new Promise<T>((resolve, reject) => {
        const entry = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            active++;
            fn()
              .then(resolve, reject)
              .finally(() => {
                active--;
                next();
              });
          },
        };
        const onAbort = () => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
        next();
      });
    },
  };
}
