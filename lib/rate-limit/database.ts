import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Hold, LimitRule, RateLimitStore, Reservation } from "@/lib/rate-limit/types";
import { utcTimestamp } from "@/lib/sql-time";

const retryAfter = (untilMs: number, now: number) => Math.max(1, Math.ceil((untilMs - now) / 1000));

// A reset (successful login) or an ending lock-out can slip between a refused statement and the
// read of why; each retry starts over, and three in a row refuse (fail closed) rather than loop.
const MAX_TRIES = 3;

// Held attempts end within one password check: a client refused because the limit is held by
// attempts still in flight may ask again almost at once.
const HELD_RETRY_AFTER_SECONDS = 1;

const R = Prisma.raw('"RateLimit"');

// Epoch milliseconds of a `timestamp` column holding UTC wall time, whatever the session TimeZone
// and DateStyle of the connection.
const epochMs = (column: Prisma.Sql) => Prisma.sql`(extract(epoch FROM ${column} AT TIME ZONE 'UTC') * 1000)::float8`;

/** The SQL both counting statements share, for `rule` at `now`, over the existing row `R`. */
function terms(rule: LimitRule, now: number) {
  const t = utcTimestamp(now);
  const window = Prisma.sql`make_interval(secs => ${rule.windowSeconds}::float8)`;
  // Strikes are remembered for a full maximum block after the last activity, then forgotten.
  const keepFor = Prisma.sql`make_interval(secs => ${rule.maxBlockSeconds}::float8)`;
  return {
    t,
    window,
    keepFor,
    fresh: Prisma.sql`(${R}."windowStart" + ${window} <= ${t})`,
    blocked: Prisma.sql`(${R}."blockedUntil" IS NOT NULL AND ${R}."blockedUntil" > ${t})`,
  };
}

export function createDatabaseRateLimitStore(db: () => Db): RateLimitStore {
  /**
   * Counts one failure in one statement: creates the key or, unless it is locked out, updates it
   * (concurrent ones queue on the row lock, each seeing the count the one before left; a reset
   * deleting the row meanwhile only makes the next start afresh). With `hold`, the failure was
   * held before and its hold ends here. The failure that reaches the limit starts a lock-out.
   * Returns whether it was counted (false: locked out).
   */
  async function countFailure(key: string, rule: LimitRule, now: number, hold: Hold | null): Promise<boolean> {
    const { t, window, keepFor, fresh, blocked } = terms(rule, now);
    const firstTrips = 1 >= rule.limit;
    const firstBlock = Prisma.sql`(${t} + ${Math.min(rule.windowSeconds, rule.maxBlockSeconds) * 1000}::float8 * interval '1 millisecond')`;
    const firstWindowStart = firstTrips ? firstBlock : t;

    const n = Prisma.sql`(CASE WHEN ${fresh} THEN 1 ELSE ${R}.count + 1 END)`;
    const trips = Prisma.sql`(${n} >= ${rule.limit}::int)`;
    // Capped exponent: the block is capped anyway, and 2^1024 would overflow float8.
    const blockMs = Prisma.sql`LEAST(${rule.windowSeconds * 1000}::float8 * power(2, LEAST(${R}.strikes, 40)), ${rule.maxBlockSeconds * 1000}::float8)`;
    const blockedUntil = Prisma.sql`(${t} + ${blockMs} * interval '1 millisecond')`;
    const windowStart = Prisma.sql`(CASE WHEN ${trips} THEN ${blockedUntil} WHEN ${fresh} THEN ${t} ELSE ${R}."windowStart" END)`;
    const ownHold = hold ? Prisma.sql`(abs(${epochMs(Prisma.sql`${R}."windowStart"`)} - ${hold.window}::float8) < 0.5)` : Prisma.sql`false`;
    const rows = await db().$queryRaw<Array<{ counted: boolean }>>`
      INSERT INTO "RateLimit" AS ${R} (key, count, pending, "windowStart", strikes, "blockedUntil", "expiresAt")
      VALUES (${key}, ${firstTrips ? 0 : 1}::int, 0, ${firstWindowStart}, ${firstTrips ? 1 : 0}::int,
              ${firstTrips ? firstBlock : Prisma.sql`NULL`}, ${firstWindowStart} + ${window} + ${keepFor})
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN ${trips} THEN 0 ELSE ${n} END,
        -- A lock-out or a new window drops every hold; otherwise this failure's own hold ends.
        pending = CASE WHEN ${trips} OR ${fresh} THEN 0 WHEN ${ownHold} THEN GREATEST(${R}.pending - 1, 0) ELSE ${R}.pending END,
        "windowStart" = ${windowStart},
        strikes = CASE WHEN ${trips} THEN ${R}.strikes + 1 ELSE ${R}.strikes END,
        "blockedUntil" = CASE WHEN ${trips} THEN ${blockedUntil} ELSE NULL END,
        "expiresAt" = ${windowStart} + ${window} + ${keepFor}
      WHERE NOT ${blocked}
      RETURNING true AS counted`;
    return rows.length > 0;
  }

  /** Why nothing was counted or held: the lock-out's end, or null when it has none (any more). */
  async function lockedUntil(key: string, now: number): Promise<number | null> {
    const [row] = await db().$queryRaw<Array<{ blockedUntil: number | null }>>`
      SELECT ${epochMs(Prisma.sql`"blockedUntil"`)} AS "blockedUntil" FROM "RateLimit" WHERE key = ${key}`;
    return row?.blockedUntil && row.blockedUntil > now ? row.blockedUntil : null;
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

    async reserve(key, rule, now): Promise<Reservation> {
      const { t, window, keepFor, fresh, blocked } = terms(rule, now);
      const windowStart = Prisma.sql`(CASE WHEN ${fresh} THEN ${t} ELSE ${R}."windowStart" END)`;
      for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
        const [held] = await db().$queryRaw<Array<{ window: number }>>`
          INSERT INTO "RateLimit" AS ${R} (key, count, pending, "windowStart", strikes, "expiresAt")
          VALUES (${key}, 0, 1, ${t}, 0, ${t} + ${window} + ${keepFor})
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN ${fresh} THEN 0 ELSE ${R}.count END,
            pending = CASE WHEN ${fresh} THEN 1 ELSE ${R}.pending + 1 END,
            "windowStart" = ${windowStart},
            "blockedUntil" = NULL,
            "expiresAt" = GREATEST(${R}."expiresAt", ${windowStart} + ${window} + ${keepFor})
          WHERE NOT ${blocked} AND (${fresh} OR ${R}.count + ${R}.pending < ${rule.limit}::int)
          RETURNING ${epochMs(Prisma.sql`${R}."windowStart"`)} AS window`;
        if (held) return { allowed: true, key, rule, window: held.window };
        const until = await lockedUntil(key, now);
        if (until !== null) return { allowed: false, retryAfterSeconds: retryAfter(until, now) };
        const [row] = await db().$queryRaw<Array<{ full: boolean }>>`
          SELECT NOT ${fresh} AND ${R}.count + ${R}.pending >= ${rule.limit}::int AS full FROM "RateLimit" AS ${R} WHERE key = ${key}`;
        if (row?.full) return { allowed: false, retryAfterSeconds: HELD_RETRY_AFTER_SECONDS };
      }
      return { allowed: false, retryAfterSeconds: HELD_RETRY_AFTER_SECONDS };
    },

    async failed(hold, now) {
      await countFailure(hold.key, hold.rule, now, hold);
    },

    async release(hold, now) {
      const { fresh } = terms(hold.rule, now);
      await db().$executeRaw`
        UPDATE "RateLimit" AS ${R} SET pending = ${R}.pending - 1
        WHERE key = ${hold.key} AND ${R}.pending > 0 AND NOT ${fresh}
          AND abs(${epochMs(Prisma.sql`${R}."windowStart"`)} - ${hold.window}::float8) < 0.5`;
    },

    async hit(key, rule, now) {
      for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
        if (await countFailure(key, rule, now, null)) return { allowed: true };
        const until = await lockedUntil(key, now);
        if (until !== null) return { allowed: false, retryAfterSeconds: retryAfter(until, now) };
      }
      return { allowed: false, retryAfterSeconds: HELD_RETRY_AFTER_SECONDS };
    },

    async reset(key) {
      // Failures and lock-outs are forgotten; attempts other requests still hold are not.
      await db().rateLimit.updateMany({ where: { key }, data: { count: 0, strikes: 0, blockedUntil: null } });
    },
  };
}
