import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { LimitCheck, LimitRule, RateLimitStore, Reservation } from "@/lib/rate-limit/types";
import { utcTimestamp } from "@/lib/sql-time";

const retryAfter = (untilMs: number, now: number) => Math.max(1, Math.ceil((untilMs - now) / 1000));

// A reset (successful login) or an ending lock-out can slip between a refused count and the read
// of its lock-out; each retry starts over, and three in a row refuse (fail closed) rather than loop.
const MAX_TRIES = 3;

// Epoch milliseconds of a `timestamp` column holding UTC wall time, whatever the session TimeZone.
const epochMs = (column: Prisma.Sql) => Prisma.sql`(extract(epoch FROM ${column} AT TIME ZONE 'UTC') * 1000)::float8`;

export function createDatabaseRateLimitStore(db: () => Db): RateLimitStore {
  /**
   * One statement counts the event: it creates the key or, unless it is locked out, updates it.
   * Concurrent reservations on one key queue on its row lock and each sees the count the one
   * before it left; a reset deleting the row meanwhile only makes the next one start afresh.
   */
  function countOne(key: string, rule: LimitRule, now: number) {
    const t = utcTimestamp(now);
    const window = Prisma.sql`make_interval(secs => ${rule.windowSeconds}::float8)`;
    const keepFor = Prisma.sql`make_interval(secs => ${rule.maxBlockSeconds}::float8)`;
    const firstBlockMs = Math.min(rule.windowSeconds, rule.maxBlockSeconds) * 1000;
    // A new key: this event is its first; with a limit of 1 it is also the one that trips it.
    const firstTrips = 1 >= rule.limit;
    const firstWindowStart = firstTrips ? Prisma.sql`(${t} + ${firstBlockMs}::float8 * interval '1 millisecond')` : t;

    const r = Prisma.raw('"RateLimit"');
    const fresh = Prisma.sql`(${r}."windowStart" + ${window} <= ${t})`;
    const n = Prisma.sql`(CASE WHEN ${fresh} THEN 1 ELSE ${r}.count + 1 END)`;
    const trips = Prisma.sql`(${n} >= ${rule.limit}::int)`;
    const blockMs = Prisma.sql`LEAST(${rule.windowSeconds * 1000}::float8 * power(2, ${r}.strikes), ${rule.maxBlockSeconds * 1000}::float8)`;
    const blockedUntil = Prisma.sql`(${t} + ${blockMs} * interval '1 millisecond')`;
    const windowStart = Prisma.sql`(CASE WHEN ${trips} THEN ${blockedUntil} WHEN ${fresh} THEN ${t} ELSE ${r}."windowStart" END)`;
    return db().$queryRaw<Array<{ window: string }>>`
      INSERT INTO "RateLimit" AS ${r} (key, count, "windowStart", strikes, "blockedUntil", "expiresAt")
      VALUES (${key}, ${firstTrips ? 0 : 1}::int, ${firstWindowStart}, ${firstTrips ? 1 : 0}::int,
              ${firstTrips ? firstWindowStart : Prisma.sql`NULL`}, ${firstWindowStart} + ${window} + ${keepFor})
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN ${trips} THEN 0 ELSE ${n} END,
        "windowStart" = ${windowStart},
        strikes = CASE WHEN ${trips} THEN ${r}.strikes + 1 ELSE ${r}.strikes END,
        "blockedUntil" = CASE WHEN ${trips} THEN ${blockedUntil} ELSE NULL END,
        -- Strikes are remembered for a full maximum block after the last activity, then forgotten.
        "expiresAt" = ${windowStart} + ${window} + ${keepFor}
      WHERE ${r}."blockedUntil" IS NULL OR ${r}."blockedUntil" <= ${t}
      RETURNING ${r}."windowStart"::text AS window`;
  }

  async function reserve(key: string, rule: LimitRule, now: number): Promise<Reservation> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const [counted] = await countOne(key, rule, now);
      if (counted) return { allowed: true, key, window: counted.window };
      // Nothing counted: the key is locked out, unless a reset or the lock-out's end came between.
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
