import type { Db } from "@/lib/db";
import type { LimitCheck, LimitRule, RateLimitStore } from "@/lib/rate-limit/types";

type Row = { count: number; windowStart: Date; strikes: number; blockedUntil: Date | null };

const retryAfter = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));

export function createDatabaseRateLimitStore(db: () => Db): RateLimitStore {
  return {
    async check(keys, now) {
      if (keys.length === 0) return { allowed: true };
      const rows = await db().rateLimit.findMany({
        where: { key: { in: keys }, blockedUntil: { gt: new Date(now) } },
        select: { blockedUntil: true },
      });
      const until = Math.max(0, ...rows.map((row) => row.blockedUntil!.getTime()));
      return until > now ? { allowed: false, retryAfterSeconds: retryAfter(until, now) } : { allowed: true };
    },

    async hit(key, rule: LimitRule, now): Promise<LimitCheck> {
      const windowMs = rule.windowSeconds * 1000;
      // Row-locked read-modify-write: concurrent failures on one key are all counted.
      return db().$transaction(async (tx) => {
        const t = new Date(now);
        await tx.$executeRaw`
          INSERT INTO "RateLimit" (key, count, "windowStart", strikes, "expiresAt")
          VALUES (${key}, 0, ${t}, 0, ${t}) ON CONFLICT (key) DO NOTHING`;
        const [row] = await tx.$queryRaw<Row[]>`
          SELECT count, "windowStart", strikes, "blockedUntil" FROM "RateLimit" WHERE key = ${key} FOR UPDATE`;
        if (row!.blockedUntil && row!.blockedUntil.getTime() > now) {
          return { allowed: false, retryAfterSeconds: retryAfter(row!.blockedUntil.getTime(), now) };
        }
        const freshWindow = row!.windowStart.getTime() + windowMs <= now;
        let count = freshWindow ? 1 : row!.count + 1;
        let windowStart = freshWindow ? t : row!.windowStart;
        let { strikes } = row!;
        let blockedUntil: Date | null = null;
        if (count >= rule.limit) {
          strikes += 1;
          const blockMs = Math.min(windowMs * 2 ** (strikes - 1), rule.maxBlockSeconds * 1000);
          blockedUntil = new Date(now + blockMs);
          count = 0;
          windowStart = blockedUntil;
        }
        // Strikes are remembered for a full maximum block after the last activity, then forgotten.
        const expiresAt = new Date(Math.max(blockedUntil?.getTime() ?? 0, windowStart.getTime() + windowMs) + rule.maxBlockSeconds * 1000);
        await tx.rateLimit.update({ where: { key }, data: { count, windowStart, strikes, blockedUntil, expiresAt } });
        // The event that reaches the limit still goes through; the lock-out starts with the next.
        return { allowed: true };
      });
    },

    async reset(key) {
      await db().rateLimit.deleteMany({ where: { key } });
    },
  };
}
