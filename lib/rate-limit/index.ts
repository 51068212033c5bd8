import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { createDatabaseRateLimitStore } from "@/lib/rate-limit/database";
import { createRedisRateLimitStore } from "@/lib/rate-limit/redis";
import { sharedRedis } from "@/lib/redis";
import type { Hold, LimitCheck, LimitRule, RateLimitStore } from "@/lib/rate-limit/types";

export type { LimitCheck } from "@/lib/rate-limit/types";

// OWASP ASVS 2.2.1 / NIST SP 800-63B §5.2.2: limit failed attempts per account (whatever IP the
// client claims) and per client IP, with lock-outs that double each time.
const MAX_BLOCK_SECONDS = 24 * 60 * 60;

let store: RateLimitStore | undefined;
// With REDIS_URL, every instance shares the counters there (any session strategy, SPEC §9);
// without it, in PostgreSQL. Either fails closed: an unreachable store throws, the caller answers 503.
function limiter(): RateLimitStore {
  if (store) return store;
  const url = getEnv().redisUrl;
  store = url ? createRedisRateLimitStore(() => sharedRedis(url)) : createDatabaseRateLimitStore(getDb);
  return store;
}

function rules() {
  const env = getEnv();
  const rule = (limit: number): LimitRule => ({ limit, windowSeconds: env.rateLimitWindowSeconds, maxBlockSeconds: MAX_BLOCK_SECONDS });
  return {
    loginAccount: rule(env.rateLimitLoginPerAccount),
    loginIp: rule(env.rateLimitLoginPerIp),
    signupIp: rule(env.rateLimitSignupPerIp),
    password: rule(env.rateLimitPasswordChange),
    // Flat, not doubling: anyone may ask on an address's behalf, so a lock-out must not outlast
    // the window (a stranger could otherwise keep an owner from resetting for a day).
    mailAccount: { ...rule(env.rateLimitEmailPerAccount), maxBlockSeconds: env.rateLimitWindowSeconds },
    mailIp: rule(env.rateLimitEmailPerIp),
  };
}

// Per-IP keys only exist when the platform tells us the IP (TRUST_PROXY); per-account keys always.
const keys = {
  loginAccount: (email: string) => `login:account:${email}`,
  loginIp: (ip: string) => `login:ip:${ip}`,
  signupIp: (ip: string) => `signup:ip:${ip}`,
  passwordAccount: (userId: string) => `password:account:${userId}`,
  passwordIp: (ip: string) => `password:ip:${ip}`,
  mailAccount: (email: string) => `mail:account:${email}`,
  mailIp: (ip: string) => `mail:ip:${ip}`,
  twoFactorAccount: (userId: string) => `mfa:account:${userId}`,
};

/**
 * Holds one attempt on every key before the work it guards (a bcrypt comparison) runs, so a burst
 * of parallel attempts gets at most the limit's worth through (issue 10). Keys are taken in order;
 * a refusal gives back what the earlier keys held. The IP comes first, so an address that is
 * locked out costs the account nothing.
 */
async function reserveAll(pairs: Array<[string, LimitRule]>): Promise<{ allowed: true; holds: Hold[] } | { allowed: false; retryAfterSeconds: number }> {
  const holds: Hold[] = [];
  for (const [key, rule] of pairs) {
    const reservation = await limiter().reserve(key, rule, now());
    if (!reservation.allowed) {
      await releaseAll(holds);
      return reservation;
    }
    holds.push({ key: reservation.key, rule: reservation.rule, window: reservation.window });
  }
  return { allowed: true, holds };
}

/** Runs `settle` for every hold, even when one throws (then throws the first error after all). */
async function settleAll(holds: Hold[], settle: (hold: Hold) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(holds.map(settle));
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}

const releaseAll = (holds: Hold[]) => settleAll(holds, (hold) => limiter().release(hold, now()));
const failAll = (holds: Hold[]) => settleAll(holds, (hold) => limiter().failed(hold, now()));

/**
 * Runs the work the attempt was held for. If it throws (the database or the hasher failed), the
 * holds are given back before the error goes on: a crash is not a failed guess, and holds that
 * were never settled would refuse the account until their window ends.
 */
export async function underHold<T>(attempt: HeldAttempt, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await releaseAll(attempt.holds).catch((releaseError: unknown) => console.error("rate limit: cannot give holds back", releaseError));
    throw error;
  }
}

type Attempt = Awaited<ReturnType<typeof reserveAll>>;
export type HeldAttempt = Extract<Attempt, { allowed: true }>;

// A request that dies between reserve and settle holds its attempt until the window ends.
export const loginLimits = {
  /** Before the password is checked; an unknown email is held exactly like a known one. */
  attempt: (email: string, ip: string | null) =>
    reserveAll([...(ip ? [[keys.loginIp(ip), rules().loginIp] as [string, LimitRule]] : []), [keys.loginAccount(email), rules().loginAccount]]),
  /** A wrong password: a failure on the account and the IP. */
  failed: (attempt: HeldAttempt) => failAll(attempt.holds),
  /**
   * The password was right but the login is not finished (a second factor is due): the holds go
   * back, the account's failures stay, so wrong codes keep counting across challenges (SPEC §8).
   */
  passedFirstFactor: (attempt: HeldAttempt) => releaseAll(attempt.holds),
  /** A password reset proved the account's owner: the lock-out a guesser caused is lifted. */
  forgive: (email: string) => limiter().reset(keys.loginAccount(email)),
  /** The account's failures are forgotten; every key gets this attempt back. */
  succeeded: async (email: string, attempt: HeldAttempt) => {
    const [reset, released] = await Promise.allSettled([limiter().reset(keys.loginAccount(email)), releaseAll(attempt.holds)]);
    for (const result of [reset, released]) if (result.status === "rejected") throw result.reason;
  },
};

/**
 * Second-factor codes (SPEC §8): held on the login keys (a wrong code is a failed login) and on a
 * key of the user's own that only a right code clears. A password reset forgives the login key,
 * not this one, so a mailbox thief cannot reset their way to fresh guesses (NIST SP 800-63B §5.2.2).
 */
export const twoFactorLimits = {
  attempt: (userId: string, email: string, ip: string | null) =>
    reserveAll([
      ...(ip ? [[keys.loginIp(ip), rules().loginIp] as [string, LimitRule]] : []),
      [keys.loginAccount(email), rules().loginAccount],
      [keys.twoFactorAccount(userId), rules().loginAccount],
    ]),
  failed: (attempt: HeldAttempt) => failAll(attempt.holds),
  succeeded: async (userId: string, email: string, attempt: HeldAttempt) => {
    await limiter().reset(keys.twoFactorAccount(userId));
    await loginLimits.succeeded(email, attempt);
  },
};

export const signupLimits = {
  /** Every signup attempt counts, per IP. */
  attempt: async (ip: string | null): Promise<LimitCheck> => (ip ? limiter().hit(keys.signupIp(ip), rules().signupIp, now()) : { allowed: true }),
};

export const passwordChangeLimits = {
  /** Before the current password is checked. */
  attempt: (userId: string, ip: string | null) =>
    reserveAll([...(ip ? [[keys.passwordIp(ip), rules().password] as [string, LimitRule]] : []), [keys.passwordAccount(userId), rules().password]]),
  failed: (attempt: HeldAttempt) => failAll(attempt.holds),
  succeeded: (attempt: HeldAttempt) => releaseAll(attempt.holds),
};

export const mailLimits = {
  /**
   * Every request that would send mail counts, per address and per client IP, whether or not the
   * address has an account (OWASP Forgot Password Cheat Sheet: no enumeration, no mail bombing).
   */
  attempt: async (emails: string | string[], ip: string | null): Promise<LimitCheck> => {
    if (ip) {
      const byIp = await limiter().hit(keys.mailIp(ip), rules().mailIp, now());
      if (!byIp.allowed) return byIp;
    }
    for (const email of typeof emails === "string" ? [emails] : emails) {
      const byAddress = await limiter().hit(keys.mailAccount(email), rules().mailAccount, now());
      if (!byAddress.allowed) return byAddress;
    }
    return { allowed: true };
  },
};
