/** How many events a key may have per window before it is locked out, and for how long at most. */
export type LimitRule = { limit: number; windowSeconds: number; maxBlockSeconds: number };

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** An attempt counted before its work ran; `window` names the window it was counted in (for release). */
export type Reservation = { allowed: true; key: string; window: string } | { allowed: false; retryAfterSeconds: number };

/**
 * Where counters live. The database store is the default (every instance shares it; an
 * in-memory store would give each instance its own limits); a Redis store can implement the same.
 * Every update is one atomic statement: a burst of parallel attempts is counted exactly.
 */
export interface RateLimitStore {
  /** Whether any of the keys is locked out now; writes nothing. */
  check(keys: string[], now: number): Promise<LimitCheck>;
  /**
   * Counts one event for the key, before the work it guards runs (so parallel attempts cannot
   * all pass a read-only check). Denied while the key is locked out; the event that reaches the
   * limit is allowed and starts a lock-out, each one twice as long as the last.
   */
  reserve(key: string, rule: LimitRule, now: number): Promise<Reservation>;
  /** `reserve` without the receipt. */
  hit(key: string, rule: LimitRule, now: number): Promise<LimitCheck>;
  /**
   * Gives a reserved event back (it turned out not to be a failure). Only within the window it was
   * counted in, and never lifts a lock-out that has started.
   */
  release(reservation: { key: string; window: string }, now: number): Promise<void>;
  /** Forgets the key (a successful login clears the account's failures). */
  reset(key: string): Promise<void>;
}
