import { beforeEach, describe, expect, it } from "vitest";
import { connectRedis, StoreUnavailableError, type RedisConnection } from "@/lib/redis";
import type { SessionCache } from "@/lib/session/cache";
import { createRedisStore, parseRedisCookie, userTag } from "@/lib/session/redis";
import { hashToken } from "@/lib/token";
import type { SessionStore } from "@/lib/session/types";
import { freePort } from "@/tests/support/server";
import { dumpKeys, useTestRedis } from "@/tests/support/redis";
import { createSessionOrFail } from "@/tests/support/sessions";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

const IDLE = 1000; // seconds
const MAX_AGE = 3000;
const CAP = 3;
const meta = { userAgent: "vitest", ip: "203.0.113.9" };

const db = useTestDatabase("unit_redis_sessions");
const { redis, prefix } = useTestRedis("sessions");

// The store's clock starts at the real time: Redis expires keys (PEXPIREAT) by its own clock.
let clock = Date.now();
let store: SessionStore;
let userId: string;

const advance = (seconds: number) => {
  clock += seconds * 1000;
};

function makeStore(): SessionStore {
  return createRedisStore({ db, redis, idleTimeoutSeconds: IDLE, maxAgeSeconds: MAX_AGE, maxSessionsPerUser: CAP, now: () => clock, prefix });
}

const sessionKey = (cookieValue: string) => {
  const parsed = parseRedisCookie(cookieValue);
  if (!parsed) throw new Error("not a redis-strategy cookie");
  return `${prefix}{${parsed.tag}}:s:${hashToken(parsed.token)}`;
};
const indexKey = (id: string) => `${prefix}{${userTag(id)}}:u:${id}:sessions`;
const genKey = (id: string) => `${prefix}{${userTag(id)}}:u:${id}:gen`;

beforeEach(async () => {
  clock = Date.now();
  userId = (await createTestUser(db())).id;
  store = makeStore();
});

describe("redis session store", () => {
  it("keeps only the SHA-256 of the token: no key or value holds the token, every key expires", async () => {
    const { cookieValue, session } = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    await store.invalidateUserSessions(userId);
    const again = await createSessionOrFail(store, { id: userId, role: "user", generation: 1 }, meta);
    const token = parseRedisCookie(again.cookieValue)!.token;
    const keys = (await dumpKeys(redis(), prefix)).filter((k) => k.key.includes(userTag(userId)));
    expect(keys.map((k) => k.key).sort()).toEqual([sessionKey(again.cookieValue), genKey(userId), indexKey(userId)].sort());
    for (const k of keys) {
      expect(k.key).not.toContain(token);
      expect(k.values.join(" ")).not.toContain(token);
      expect(k.pttl).toBeGreaterThan(0);
    }
    expect(keys.find((k) => k.type === "hash")?.values).toContain(again.session.id);
    expect(cookieValue).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(session.id).not.toBe(parseRedisCookie(cookieValue)!.token);
  });

  it("validates a live cookie and nothing else", async () => {
    const { cookieValue, session } = await createSessionOrFail(store, { id: userId, role: "admin", generation: 0 }, meta);
    expect(await store.validateSession(cookieValue)).toEqual({ sessionId: session.id, userId, role: "admin" });
    const { token, tag } = parseRedisCookie(cookieValue)!;
    expect(await store.validateSession(token)).toBeNull();
    expect(await store.validateSession(`${"0".repeat(16)}.${token}`)).toBeNull();
    expect(await store.validateSession(`${tag}.${"A".repeat(43)}`)).toBeNull();
    expect(await store.validateSession("")).toBeNull();
  });

  it("sets the session's expiry (PEXPIREAT) at min(idle, absolute) and slides it past half the idle lifetime", async () => {
    const { cookieValue } = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const expireAt = async () => Number(await redis().command(["PEXPIRETIME", sessionKey(cookieValue)]));
    expect(await expireAt()).toBe(clock + IDLE * 1000);
    advance(IDLE / 2 - 10);
    expect(await store.validateSession(cookieValue)).not.toBeNull();
    const first = clock - (IDLE / 2 - 10) * 1000 + IDLE * 1000;
    expect(await expireAt()).toBe(first); // not past half: unchanged
    advance(20);
    expect(await store.validateSession(cookieValue)).not.toBeNull();
    expect(await expireAt()).toBe(clock + IDLE * 1000);
  });

  it("ends a session idle longer than the idle timeout, and deletes it", async () => {
    const { cookieValue } = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    advance(IDLE + 1);
    expect(await store.validateSession(cookieValue)).toBeNull();
    expect(await redis().command(["EXISTS", sessionKey(cookieValue)])).toBe(0);
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(0);
  });

  it("never outlives the absolute lifetime, however busy", async () => {
    const start = clock;
    const { cookieValue } = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const step = IDLE / 2 + 1; // each use is past half the idle lifetime: each one slides
    while (clock + step * 1000 < start + MAX_AGE * 1000) {
      advance(step);
      expect(await store.validateSession(cookieValue)).not.toBeNull();
    }
    expect(Number(await redis().command(["PEXPIRETIME", sessionKey(cookieValue)]))).toBe(start + MAX_AGE * 1000);
    clock = start + MAX_AGE * 1000;
    expect(await store.validateSession(cookieValue)).toBeNull();
  });

  it("ends the oldest sessions past the cap, and keeps the index to the live ones", async () => {
    const made = [];
    for (let i = 0; i < CAP + 2; i++) {
      made.push(await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta));
      advance(1);
    }
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(CAP);
    for (const [i, s] of made.entries()) expect(await store.validateSession(s.cookieValue)).toEqual(i < 2 ? null : expect.objectContaining({ sessionId: s.session.id }));
    expect((await store.listUserSessions(userId, made[4]!.session)).map((s) => s.id).sort()).toEqual(made.slice(2).map((s) => s.session.id).sort());
  });

  it("drops index members whose session expired (Redis deleted the key) on the next write", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const b = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    await redis().command(["DEL", sessionKey(a.cookieValue)]); // as Redis's own expiry would
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(2);
    expect((await store.listUserSessions(userId, b.session)).map((s) => s.id)).toEqual([b.session.id]);
    expect(await redis().command(["ZRANGE", indexKey(userId), "0", "-1"])).toEqual([hashToken(parseRedisCookie(b.cookieValue)!.token)]);
    await redis().command(["DEL", sessionKey(b.cookieValue)]);
    await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(1);
  });

  it("lists the user's live sessions, most recently used first, and counts them", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    advance(1);
    const b = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, { userAgent: null, ip: null });
    advance(120);
    await store.validateSession(a.cookieValue); // a used later than b
    const list = await store.listUserSessions(userId, a.session);
    expect(list.map((s) => s.id)).toEqual([a.session.id, b.session.id]);
    expect(list[1]).toMatchObject({ userAgent: null, ip: null });
    const other = (await createTestUser(db())).id;
    expect(await store.countActiveSessions([userId, other])).toEqual(new Map([[userId, 2], [other, 0]]));
  });

  it("revokes one session by public id, only the user's own", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const other = (await createTestUser(db())).id;
    expect(await store.invalidateUserSession(other, a.session.id)).toBe(false);
    expect(await store.validateSession(a.cookieValue)).not.toBeNull();
    expect(await store.invalidateUserSession(userId, a.session.id)).toBe(true);
    expect(await store.validateSession(a.cookieValue)).toBeNull();
    expect(await store.invalidateUserSession(userId, a.session.id)).toBe(false);
  });

  it("logout ends the cookie's session for good and says whose it was", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    expect(await store.invalidateSession(a.cookieValue)).toEqual({ userId, sessionId: a.session.id });
    expect(await store.validateSession(a.cookieValue)).toBeNull();
    expect(await store.invalidateSession(a.cookieValue)).toBeNull();
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(0);
  });

  it("logout everywhere ends every session, and no session of the old generation can be created after", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const b = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    expect(await store.invalidateUserSessions(userId)).toBe(1);
    for (const s of [a, b]) expect(await store.validateSession(s.cookieValue)).toBeNull();
    expect(await redis().command(["GET", genKey(userId)])).toBe("1");
    expect(await store.createSession({ id: userId, role: "user", generation: 0 }, meta, { persistent: true })).toBeNull();
    expect(await store.invalidateUserSessions(userId, { ifGeneration: 0 })).toBeNull();
    const c = await createSessionOrFail(store, { id: userId, role: "user", generation: 1 }, meta);
    expect(await store.loadCurrent({ userId, sessionId: c.session.id }, c.cookieValue)).toMatchObject({ generation: 1, session: { id: c.session.id } });
  });

  it("loadCurrent refuses a session PostgreSQL's generation has left, even if Redis was never told", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: 5 } });
    expect(await store.loadCurrent({ userId, sessionId: a.session.id }, a.cookieValue)).toBeNull();
    expect(await store.validateSession(a.cookieValue)).toBeNull(); // and it is gone from Redis
  });

  it("loadCurrent is bound to the claims the proxy made", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const other = (await createTestUser(db())).id;
    expect(await store.loadCurrent({ userId: other, sessionId: a.session.id }, a.cookieValue)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: "nope" }, a.cookieValue)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: a.session.id }, undefined)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: a.session.id }, a.cookieValue)).toMatchObject({ user: { id: userId }, persistent: true });
  });

  it("a failed Redis step of an \"end all\" does not lock the user out: a login at PostgreSQL's newer generation is stored", async () => {
    const old = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    expect(await store.invalidateUserSessions(userId)).toBe(1); // Redis records generation 1
    const ended = await createSessionOrFail(store, { id: userId, role: "user", generation: 1 }, meta);
    // A second "end all" whose PostgreSQL write went through and whose Redis step did not.
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: 2 } });
    const fresh = await createSessionOrFail(store, { id: userId, role: "user", generation: 2 }, meta);
    expect(await store.loadCurrent({ userId, sessionId: fresh.session.id }, fresh.cookieValue)).toMatchObject({ generation: 2 });
    expect(await redis().command(["GET", genKey(userId)])).toBe("2");
    // The sessions the failed step should have ended are gone with it.
    for (const s of [old, ended]) expect(await store.validateSession(s.cookieValue)).toBeNull();
    expect(await redis().command(["ZRANGE", indexKey(userId), "0", "-1"])).toEqual([hashToken(parseRedisCookie(fresh.cookieValue)!.token)]);
    // And a login that read the older generation is still refused.
    expect(await store.createSession({ id: userId, role: "user", generation: 1 }, meta, { persistent: true })).toBeNull();
  });

  it("generations wrap at 2^31 - 1: an \"end all\" from the last generation to 0 ends the old sessions, and logins at 0 are stored", async () => {
    const LAST = 2147483646;
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: LAST } });
    const old = await createSessionOrFail(store, { id: userId, role: "user", generation: LAST }, meta);
    expect(await store.invalidateUserSessions(userId)).toBe(0); // PostgreSQL wraps to 0
    expect(await redis().command(["GET", genKey(userId)])).toBe("0");
    // 0 is ahead of the last generation, not behind it: the old session is dead, a new login lives.
    expect(await store.validateSession(old.cookieValue)).toBeNull();
    expect(await store.createSession({ id: userId, role: "user", generation: LAST }, meta, { persistent: true })).toBeNull();
    const fresh = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    expect(await store.loadCurrent({ userId, sessionId: fresh.session.id }, fresh.cookieValue)).toMatchObject({ generation: 0 });
  });

  it("the session list and counts use PostgreSQL's generation too: sessions an unrecorded \"end all\" ended are not listed", async () => {
    const a = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: 1 } });
    expect(await store.listUserSessions(userId, a.session)).toEqual([]);
    expect(await store.countActiveSessions([userId])).toEqual(new Map([[userId, 0]]));
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(0);
  });

  it("an older \"end all\" whose Redis step lands after a newer one ends only sessions older than it", async () => {
    // The first "end all"'s Redis step is held back until the test lets it run.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: RedisConnection = {
      ...redis(),
      async script(source, keys, args) {
        if (keys.length === 2 && source.source.includes("redis.call('SET'")) await held;
        return redis().script(source, keys, args);
      },
    };
    const slowStore = createRedisStore({ db, redis: () => slow, idleTimeoutSeconds: IDLE, maxAgeSeconds: MAX_AGE, maxSessionsPerUser: CAP, now: () => clock, prefix });
    await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
    const first = slowStore.invalidateUserSessions(userId); // PostgreSQL: 1, Redis: held
    await expect.poll(async () => (await db().user.findUniqueOrThrow({ where: { id: userId } })).sessionGeneration).toBe(1);
    expect(await store.invalidateUserSessions(userId)).toBe(2);
    const after = await createSessionOrFail(store, { id: userId, role: "user", generation: 2 }, meta);
    release();
    expect(await first).toBe(1);
    expect(await store.validateSession(after.cookieValue)).toMatchObject({ sessionId: after.session.id });
    expect(await redis().command(["GET", genKey(userId)])).toBe("2");
  });

  it("loadCurrent never ends a session on the word of a cached user row: a session of a newer generation is checked against PostgreSQL", async () => {
    const row = await db().user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, email: true, name: true, role: true, emailVerifiedAt: true, sessionGeneration: true },
    });
    const forgotten: string[] = [];
    // Another instance's cache, still holding the row from before a password change made elsewhere.
    const staleCache: SessionCache = {
      ready: async () => true,
      get: <T,>() => row as T,
      mark: () => 0,
      set: () => undefined,
      replace: () => undefined,
      forget: (key) => void forgotten.push(key),
      catchUp: async () => undefined,
      stats: () => ({ hits: 0, misses: 0, entries: 1, maxEntries: 1, evictions: 0 }),
    };
    const cached = createRedisStore({ db, redis, idleTimeoutSeconds: IDLE, maxAgeSeconds: MAX_AGE, maxSessionsPerUser: CAP, now: () => clock, prefix, cache: staleCache });
    expect(await store.invalidateUserSessions(userId)).toBe(1);
    const fresh = await createSessionOrFail(store, { id: userId, role: "user", generation: 1 }, meta);
    expect(await cached.loadCurrent({ userId, sessionId: fresh.session.id }, fresh.cookieValue)).toMatchObject({ generation: 1, session: { id: fresh.session.id } });
    expect(forgotten).toEqual([`redis-user:${userId}`]);
    expect(await store.validateSession(fresh.cookieValue)).not.toBeNull();
    // A session PostgreSQL has really left is still refused, and ended.
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: 2 } });
    expect(await cached.loadCurrent({ userId, sessionId: fresh.session.id }, fresh.cookieValue)).toBeNull();
    expect(await store.validateSession(fresh.cookieValue)).toBeNull();
  });

  it("the cap never evicts the session being made, even when every session has the same creation time", async () => {
    // The clock stands still: every session is scored alike, and ties sort by token hash.
    for (let i = 0; i < 20; i++) {
      const made = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
      expect(await store.validateSession(made.cookieValue), `login ${i}`).toMatchObject({ sessionId: made.session.id });
      expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(Math.min(i + 1, CAP));
    }
  });

  it("races: parallel logins never exceed the cap", async () => {
    await Promise.all(Array.from({ length: 12 }, () => store.createSession({ id: userId, role: "user", generation: 0 }, meta, { persistent: true })));
    expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(CAP);
    expect(await store.countActiveSessions([userId])).toEqual(new Map([[userId, CAP]]));
  });

  it("races: logins against logout everywhere leave no session of the old generation alive", async () => {
    for (let round = 0; round < 5; round++) {
      const { sessionGeneration: generation } = await db().user.findUniqueOrThrow({ where: { id: userId } });
      const logins = Array.from({ length: 6 }, () => store.createSession({ id: userId, role: "user", generation }, meta, { persistent: true }));
      const [ended, ...made] = await Promise.all([store.invalidateUserSessions(userId), ...logins]);
      expect(ended).toBe(generation + 1);
      for (const s of made) if (s) expect(await store.validateSession(s.cookieValue)).toBeNull();
      expect(await redis().command(["ZCARD", indexKey(userId)])).toBe(0);
    }
  });
});

describe("redis session store, Redis unreachable", () => {
  it("throws StoreUnavailableError within a few seconds (fail closed), never a pass", async () => {
    const port = await freePort(); // nothing listens there
    const down = connectRedis(`redis://127.0.0.1:${port}/0`, { label: "closed port" });
    const closed = createRedisStore({ db, redis: () => down, idleTimeoutSeconds: IDLE, maxAgeSeconds: MAX_AGE, maxSessionsPerUser: CAP, prefix });
    const started = Date.now();
    await expect(closed.validateSession(`${userTag(userId)}.${"A".repeat(43)}`)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(closed.createSession({ id: userId, role: "user", generation: 0 }, meta, { persistent: true })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(6000);
    await down.close();
  });
});
