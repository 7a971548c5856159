/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Bucket size: requests allowed in a burst. */
  burst: number;
  /** Tokens added per minute. */
  perMinute: number;
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Most clients tracked at once; idle full buckets are dropped first. Default 100 000. */
  maxClients?: number;
}

/** The answer for one request: allowed, or denied with the seconds until a token is available. */
export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** An in-memory token bucket per client id. Per process: several server processes each keep their own buckets. */
export interface RateLimiter {
  take(clientId: string): RateLimitDecision;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Creates an in-memory token-bucket rate limiter keyed by client id (user id, API key or IP). */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const perMs = options.perMinute / 60_000;
  const maxClients = options.maxClients ?? 100_000;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, t: number): void {
    bucket.tokens = Math.min(options.burst, bucket.tokens + (t - bucket.updatedAt) * perMs);
    bucket.updatedAt = t;
  }

  function prune(t: number): void {
    for (const [id, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= options.burst) buckets.delete(id);
    }
    // Still full of active clients: drop the oldest entries (Map keeps insertion order).
    for (const id of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(id);
    }
  }

  return {
    take(clientId) {
      const t = now();
      let bucket = buckets.get(clientId);
      if (bucket === undefined) {
        if (buckets.size >= maxClients) prune(t);
        bucket = { tokens: options.burst, updatedAt: t };
        buckets.set(clientId, bucket);
      } else {
        refill(bucket, t);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, remaining: Math.floor(bucket.tokens) };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
