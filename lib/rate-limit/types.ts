/** How many failures a key may have per window before it is locked out, and for how long at most. */
export type LimitRule = { limit: number; windowSeconds: number; maxBlockSeconds: number };

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** An attempt held before its work ran; `window` (epoch ms) names the window it was held in. */
export type Hold = { key: string; rule: LimitRule; window: number };
export type Reservation = ({ allowed: true } & Hold) | { allowed: false; retryAfterSeconds: number };

/**
 * Where counters live. The database store is the default (every instance shares it; an
 * in-memory store would give each instance its own limits); a Redis store can implement the same.
 * Every update is one atomic statement: a burst of parallel attempts is counted exactly.
 *
 * An attempt whose outcome is not known yet (a password check) is *held* first: failures plus
 * held attempts never exceed the limit, so a burst of parallel attempts cannot all pass a check
 * that only reads (issue 10). Only failures start lock-outs; a held attempt that succeeds is given
 * back. A hold never settled (a crashed request) lapses with its window.
 */
export interface RateLimitStore {
  /** Whether any of the keys is locked out now; writes nothing. */
  check(keys: string[], now: number): Promise<LimitCheck>;
  /** Holds one attempt before its work runs; refused while locked out or while the limit is held. */
  reserve(key: string, rule: LimitRule, now: number): Promise<Reservation>;
  /** The held attempt failed: one failure; the failure that reaches the limit starts a lock-out. */
  failed(hold: Hold, now: number): Promise<void>;
  /** The held attempt did not fail: the hold is given back. */
  release(hold: Hold, now: number): Promise<void>;
  /**
   * Counts one event outright (every signup counts). Denied while the key is locked out; the
   * event that reaches the limit is allowed and starts a lock-out, each twice as long as the last.
   */
  hit(key: string, rule: LimitRule, now: number): Promise<LimitCheck>;
  /** Forgets the key (a successful login clears the account's failures). */
  reset(key: string): Promise<void>;
}
