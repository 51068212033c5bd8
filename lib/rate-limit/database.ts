import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { LimitCheck, LimitRule, RateLimitStore, Reservation } from "@/lib/rate-limit/types";
import { utcTimestamp } from "@/lib/sql-time";

const retryAfter = (untilMs: number, now: number) => Math.max(1, Math.ceil((untilMs - now) / 1000));

// A reset (successful login) or an ending lock-out can slip between the two statements of a
// reservation; each retry starts over, and three in a row refuse (fail closed) rather than loop.
const MAX_TRIES = 3;

// Epoch milliseconds of a `timestamp` column holding UTC wall time, whatever the session TimeZone.
const epochMs = (column: Prisma.Sql) => Prisma.sql`(extract(epoch FROM ${column} AT TIME ZONE 'UTC') * 1000)::float8`;

export function createDatabaseRateLimitStore(db: () => Db): RateLimitStore {
  /**
   * One statement counts the event on an existing, unlocked row: concurrent reservations on one
   * key queue on its row lock and each sees the count the one before it left.
   */
  function countOne(key: string, rule: LimitRule, now: number) {
    const t = utcTimestamp(now);
    const window = Prisma.sql`make_interval(secs => ${rule.windowSeconds}::float8)`;
    const fresh = Prisma.sql`("windowStart" + ${window} <= ${t})`;
    const n = Prisma.sql`(CASE WHEN ${fresh} THEN 1 ELSE count + 1 END)`;
    const trips = Prisma.sql`(${n} >= ${rule.limit}::int)`;
    const blockMs = Prisma.sql`LEAST(${rule.windowSeconds * 1000}::float8 * power(2, strikes), ${rule.maxBlockSeconds * 1000}::float8)`;
    const blockedUntil = Prisma.sql`(${t} + ${blockMs} * interval '1 millisecond')`;
    const windowStart = Prisma.sql`(CASE WHEN ${trips} THEN ${blockedUntil} WHEN ${fresh} THEN ${t} ELSE "windowStart" END)`;
    return db().$queryRaw<Array<{ window: string }>>`
      UPDATE "RateLimit" SET
        count = CASE WHEN ${trips} THEN 0 ELSE ${n} END,
        "windowStart" = ${windowStart},
        strikes = CASE WHEN ${trips} THEN strikes + 1 ELSE strikes END,
        "blockedUntil" = CASE WHEN ${trips} THEN ${blockedUntil} ELSE NULL END,
        -- Strikes are remembered for a full maximum block after the last activity, then forgotten.
        "expiresAt" = ${windowStart} + ${window} + make_interval(secs => ${rule.maxBlockSeconds}::float8)
      WHERE key = ${key} AND ("blockedUntil" IS NULL OR "blockedUntil" <= ${t})
      RETURNING "windowStart"::text AS window`;
  }

  async function reserve(key: string, rule: LimitRule, now: number): Promise<Reservation> {
    const t = utcTimestamp(now);
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      // A new key starts as an empty, long-expired window; the update below counts on it.
      await db().$executeRaw`
        INSERT INTO "RateLimit" (key, count, "windowStart", strikes, "expiresAt")
        VALUES (${key}, 0, ${utcTimestamp(0)}, 0, ${t}) ON CONFLICT (key) DO NOTHING`;
      const [counted] = await countOne(key, rule, now);
      if (counted) return { allowed: true, key, window: counted.window };
      const [row] = await db().$queryRaw<Array<{ blockedUntil: number | null }>>`
        SELECT ${epochMs(Prisma.sql`"blockedUntil"`)} AS "blockedUntil" FROM "RateLimit" WHERE key = ${key}`;
      if (row?.blockedUntil && row.blockedUntil > now) return { allowed: false, retryAfterSeconds: retryAfter(row.blockedUntil, now) };
    }
    return { allowed: false, retryAfterSeconds: 1 };
  }

  return {
    async check(keys, now) {
      if (keys.length === 0) return { allowed: true };
      const [row] = await db().$queryRaw<Array<{ until: number | null }>>`
        SELECT max(${epochMs(Prisma.sql`"blockedUntil"`)}) AS until FROM "RateLimit"
        WHERE key = ANY(${keys}::text[]) AND "blockedUntil" > ${utcTimestamp(now)}`;
      const until = row?.until ?? 0;
      return until > now ? { allowed: false, retryAfterSeconds: retryAfter(until, now) } : { allowed: true };
    },

    reserve,

    async hit(key, rule, now): Promise<LimitCheck> {
      const reservation = await reserve(key, rule, now);
      return reservation.allowed ? { allowed: true } : reservation;
    },

    async release({ key, window }, now) {
      await db().$executeRaw`
        UPDATE "RateLimit" SET count = count - 1
        WHERE key = ${key} AND count > 0 AND "windowStart" = ${window}::timestamp
          AND ("blockedUntil" IS NULL OR "blockedUntil" <= ${utcTimestamp(now)})`;
    },

    async reset(key) {
      await db().rateLimit.deleteMany({ where: { key } });
    },
  };
}
