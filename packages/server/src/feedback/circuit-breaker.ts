/** States of a {@link CircuitBreaker}. */
export const CircuitState = {
  /** Calls go through. */
  closed: 'closed',
  /** Too many failures: calls are refused until the cool-down ends. */
  open: 'open',
  /** Cool-down over: one trial call decides whether to close or open again. */
  half_open: 'half_open',
} as const;
/** One of {@link CircuitState}. */
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 3. */
  failureThreshold?: number;
  /** How long the circuit stays open, in ms; default 60 000. */
  cooldownMs?: number;
  /** Clock, for tests; default `Date.now`. */
  now?: () => number;
}

/** Stops calling a failing service for a while, so an outage causes no retry storm. */
export interface CircuitBreaker {
  /** True when a call may be made now; in half-open state only one trial call is allowed at a time. */
  tryAcquire(): boolean;
  /** Reports that the allowed call succeeded. */
  success(): void;
  /** Reports that the allowed call failed. */
  failure(): void;
  /** Reports that the allowed call ended without telling anything about the service (e.g. cancelled). */
  release(): void;
  readonly state: CircuitState;
}

/** Creates a consecutive-failure circuit breaker. */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 3;
  const cooldownMs = options.cooldownMs ?? 60_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;

  const state = (): CircuitState => {
    if (openedAt === undefined) return CircuitState.closed;
    return now() - openedAt >= cooldownMs ? CircuitState.half_open : CircuitState.open;
  };

  return {
    get state() {
      return state();
    },
    tryAcquire() {
      const s = state();
      if (s === CircuitState.closed) return true;
      if (s === CircuitState.open || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      openedAt = undefined;
      trialInFlight = false;
    },
    failure() {
      failures++;
      if (trialInFlight || failures >= threshold) openedAt = now();
      trialInFlight = false;
    },
    release() {
      trialInFlight = false;
    },
  };
}
