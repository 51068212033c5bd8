import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { generateSessionId, generateToken, hashToken } from "@/lib/token";
import { databaseStrategy } from "@/lib/session/database";
import { createRedisStore, userTag } from "@/lib/session/redis";
import { sealedCookieStrategy } from "@/lib/session/sealed-cookie";
import { connectRedis } from "@/lib/redis";
import { utcTimestamp } from "@/lib/sql-time";
import type { SessionStore } from "@/lib/session/types";

// The scale table's population (bench/README.md, "Seeding"): users written straight to the
// database, then sessions made in this process by the same store code the server runs, with the
// server's own configuration, so the cookies are exactly what a login would have handed out.

export type Strategy = "database" | "cookie" | "redis";

export type SeededUser = { id: string; generation: number };

/** What a strategy's population cost to make, for the report. */
export type SeedTiming = { strategy: Strategy; sessions: number; method: string; seconds: number };

const USER_INSERT_CHUNK = 2000;

/**
 * `count` users in bulk: one bcrypt hash for all (no password of theirs is ever tried), emails
 * unique to this run. Sessions are hung on them afterwards.
 */
export async function seedUsers(db: Db, count: number, bcryptCost: number): Promise<SeededUser[]> {
  const passwordHash = await bcrypt.hash(randomBytes(12).toString("base64url"), bcryptCost);
  const run = randomBytes(4).toString("hex");
  const users: SeededUser[] = [];
  for (let start = 0; start < count; start += USER_INSERT_CHUNK) {
    const data = [];
    for (let i = start; i < Math.min(count, start + USER_INSERT_CHUNK); i++) {
      // A cuid's length (25), so rows and cache keys weigh what real ones do.
      const id = `c${randomBytes(12).toString("hex")}`;
      data.push({ id, email: `scale-${run}-${i}@cloakroom.test`, passwordHash, name: `Scale ${i}` });
      users.push({ id, generation: 0 });
    }
    await db.user.createMany({ data });
  }
  return users;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; results in index order. */
async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export type SeedOptions = {
  db: Db;
  /** The server's configuration, parsed by lib/env.ts from the very variables the server gets. */
  env: Env;
  users: SeededUser[];
  sessionsPerUser: number;
  /** Store calls in flight. */
  concurrency: number;
  /**
   * database strategy only: rows written in bulk, in the shape createSession writes, instead of
   * createSession's four round trips per session (see bulkDatabaseSessions).
   */
  bulkDatabaseRows: boolean;
};

const META = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) cloakroom-bench", ip: "127.0.0.1" };

/**
 * Sessions for `users`, `sessionsPerUser` each (all persistent), in user-major order: cookies
 * 0..9 belong to user 0, 10..19 to user 1, and so on, so the first N cookies are N / 10 users'.
 */
export async function seedSessions(strategy: Strategy, options: SeedOptions): Promise<{ cookies: string[]; method: string }> {
  const { users, sessionsPerUser } = options;
  const count = users.length * sessionsPerUser;
  if (strategy === "database" && options.bulkDatabaseRows) {
    return { cookies: await bulkDatabaseSessions(options), method: "bulk INSERT in createSession's row shape" };
  }
  const redis = strategy === "redis" ? connectRedis(options.env.redisUrl!, { label: "bench seed" }) : undefined;
  const deps = { db: () => options.db, env: options.env, now: Date.now, cache: undefined };
  // The strategy's own factory, as lib/session/index.ts calls it; redis gets a connection of its
  // own (the factory's sharedRedis would outlive the seeding).
  const store: SessionStore =
    strategy === "database"
      ? databaseStrategy.createStore(deps)
      : strategy === "cookie"
        ? sealedCookieStrategy.createStore(deps)
        : createRedisStore({
            db: () => options.db,
            redis: () => redis!,
            idleTimeoutSeconds: options.env.idleTimeoutSeconds,
            maxAgeSeconds: options.env.maxAgeSeconds,
            maxSessionsPerUser: options.env.maxSessionsPerUser,
          });
  try {
    // Connected before the pool starts: otherwise every call in flight waits on the connection.
    await redis?.command(["PING"]);
    const cookies = await pool(count, options.concurrency, async (index) => {
      const user = users[Math.floor(index / sessionsPerUser)]!;
      const created = await store.createSession({ id: user.id, role: "user", generation: user.generation }, META, { persistent: true });
      if (!created) throw new Error(`seed: createSession refused user ${user.id}`);
      return created.cookieValue;
    });
    return { cookies, method: "store.createSession" };
  } finally {
    await redis?.close();
  }
}

const SESSION_INSERT_CHUNK = 5000;

/**
 * The database strategy's sessions without createSession's four round trips each (insert under
 * FOR SHARE, generation re-read, dead-row clean-up, per-user cap): the same columns and values
 * it writes (token hash = hashToken(token), generation = the user's, persistent, the server's
 * idle and absolute lifetimes), 5,000 rows per statement. Used by default because the store's
 * path takes minutes at 100,000 sessions (bench/README.md); `--seed-store` uses the store.
 */
async function bulkDatabaseSessions(options: SeedOptions): Promise<string[]> {
  const { db, env, users, sessionsPerUser } = options;
  const idleMs = env.idleTimeoutSeconds * 1000;
  const maxAgeMs = env.maxAgeSeconds * 1000;
  const cookies: string[] = [];
  let rows: Array<{ id: string; tokenHash: string; userId: string; generation: number }> = [];
  let t = Date.now();
  const flush = async () => {
    if (rows.length === 0) return;
    t = Date.now();
    const absolute = t + maxAgeMs;
    const expires = Math.min(t + idleMs, absolute);
    // Timestamps as createSession writes them (UTC wall time, lib/sql-time.ts).
    await db.$executeRaw`
      INSERT INTO "Session" (id, "tokenHash", "userId", generation, "createdAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt", "userAgent", ip, persistent)
      SELECT r.id, r."tokenHash", r."userId", r.generation, ${utcTimestamp(t)}, ${utcTimestamp(t)}, ${utcTimestamp(expires)}, ${utcTimestamp(absolute)},
             ${META.userAgent}, ${META.ip}, true
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(id text, "tokenHash" text, "userId" text, generation int)`;
    rows = [];
  };
  for (const user of users) {
    for (let i = 0; i < sessionsPerUser; i++) {
      const token = generateToken();
      cookies.push(token);
      rows.push({ id: generateSessionId(), tokenHash: hashToken(token), userId: user.id, generation: user.generation });
      if (rows.length >= SESSION_INSERT_CHUNK) await flush();
    }
  }
  await flush();
  return cookies;
}

/**
 * Deletes the seeded Redis sessions (their keys are named from the cookies: no SCAN), so a run
 * leaves nothing behind in a Redis database it shares with anything else.
 */
export async function deleteRedisSessions(redisUrl: string, users: SeededUser[], cookies: string[], prefix = "cr:"): Promise<void> {
  const redis = connectRedis(redisUrl, { label: "bench clean-up" });
  try {
    const keys: string[] = [];
    for (const cookie of cookies) {
      const dot = cookie.indexOf(".");
      keys.push(`${prefix}{${cookie.slice(0, dot)}}:s:${hashToken(cookie.slice(dot + 1))}`);
    }
    for (const user of users) {
      const base = `${prefix}{${userTag(user.id)}}:u:${user.id}`;
      keys.push(`${base}:sessions`, `${base}:gen`);
    }
    for (let start = 0; start < keys.length; start += 1000) await redis.command(["DEL", ...keys.slice(start, start + 1000)]);
  } finally {
    await redis.close();
  }
}
