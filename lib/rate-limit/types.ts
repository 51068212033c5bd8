/** How many events a key may have per window before it is locked out, and for how long at most. */
export type LimitRule = { limit: number; windowSeconds: number; maxBlockSeconds: number };

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Where counters live. The database store is the default (every instance shares it; an
 * in-memory store would give each instance its own limits); a Redis store can implement the same.
 */
export interface RateLimitStore {
  /** Whether any of the keys is locked out now; writes nothing. */
  check(keys: string[], now: number): Promise<LimitCheck>;
  /**
   * Counts one event for the key. Denied while the key is locked out; the event that reaches
   * the limit is allowed and starts a lock-out, each one twice as long as the last.
   */
  hit(key: string, rule: LimitRule, now: number): Promise<LimitCheck>;
  /** Forgets the key (a successful login clears the account's failures). */
  reset(key: string): Promise<void>;
}
