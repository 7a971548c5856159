import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows a burst, then denies with a Retry-After until tokens refill', () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 3, perMinute: 60, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    const denied = limiter.take('a');
    expect(denied).toEqual({ allowed: false, retryAfterSeconds: 1 });
    t += 1000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps one bucket per client', () => {
    const limiter = createRateLimiter({ burst: 1, perMinute: 1, now: () => 0 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('bounds memory by dropping idle clients', () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 1, perMinute: 60, now: () => t, maxClients: 2 });
    limiter.take('a');
    limiter.take('b');
    t += 10_000;
    limiter.take('c');
    // 'a' was dropped as idle and full again, so it starts with a full bucket.
    expect(limiter.take('a').allowed).toBe(true);
  });
});
