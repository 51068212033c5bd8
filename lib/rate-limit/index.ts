import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { createDatabaseRateLimitStore } from "@/lib/rate-limit/database";
import type { LimitCheck, LimitRule, RateLimitStore } from "@/lib/rate-limit/types";

export type { LimitCheck } from "@/lib/rate-limit/types";

// OWASP ASVS 2.2.1 / NIST SP 800-63B §5.2.2: limit failed attempts per account (whatever IP the
// client claims) and per client IP, with lock-outs that double each time.
const MAX_BLOCK_SECONDS = 24 * 60 * 60;

let store: RateLimitStore | undefined;
const limiter = () => (store ??= createDatabaseRateLimitStore(getDb));

function rules() {
  const env = getEnv();
  const rule = (limit: number): LimitRule => ({ limit, windowSeconds: env.rateLimitWindowSeconds, maxBlockSeconds: MAX_BLOCK_SECONDS });
  return {
    loginAccount: rule(env.rateLimitLoginPerAccount),
    loginIp: rule(env.rateLimitLoginPerIp),
    signupIp: rule(env.rateLimitSignupPerIp),
    password: rule(env.rateLimitPasswordChange),
  };
}

// Per-IP keys only exist when the platform tells us the IP (TRUST_PROXY); per-account keys always.
const keys = {
  loginAccount: (email: string) => `login:account:${email}`,
  loginIp: (ip: string) => `login:ip:${ip}`,
  signupIp: (ip: string) => `signup:ip:${ip}`,
  passwordAccount: (userId: string) => `password:account:${userId}`,
  passwordIp: (ip: string) => `password:ip:${ip}`,
};

async function hitAll(pairs: Array<[string, LimitRule]>): Promise<LimitCheck> {
  let result: LimitCheck = { allowed: true };
  for (const [key, rule] of pairs) {
    const check = await limiter().hit(key, rule, now());
    if (!check.allowed && (result.allowed || check.retryAfterSeconds > result.retryAfterSeconds)) result = check;
  }
  return result;
}

export const loginLimits = {
  /** Before the password is checked: an unknown email is limited exactly like a known one. */
  check: (email: string, ip: string | null) => limiter().check([keys.loginAccount(email), ...(ip ? [keys.loginIp(ip)] : [])], now()),
  failed: (email: string, ip: string | null) =>
    hitAll([[keys.loginAccount(email), rules().loginAccount], ...(ip ? [[keys.loginIp(ip), rules().loginIp] as [string, LimitRule]] : [])]),
  succeeded: (email: string) => limiter().reset(keys.loginAccount(email)),
};

export const signupLimits = {
  /** Every signup attempt counts, per IP. */
  attempt: async (ip: string | null): Promise<LimitCheck> => (ip ? limiter().hit(keys.signupIp(ip), rules().signupIp, now()) : { allowed: true }),
};

export const passwordChangeLimits = {
  check: (userId: string, ip: string | null) => limiter().check([keys.passwordAccount(userId), ...(ip ? [keys.passwordIp(ip)] : [])], now()),
  failed: (userId: string, ip: string | null) =>
    hitAll([[keys.passwordAccount(userId), rules().password], ...(ip ? [[keys.passwordIp(ip), rules().password] as [string, LimitRule]] : [])]),
};
