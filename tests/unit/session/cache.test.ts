import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSessionCache, readThrough, type SessionCache } from "@/lib/session/cache";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

const db = useTestDatabase("unit_cache");

const id = () => randomBytes(12).toString("base64url");
const HOUR = 3_600_000;

async function createUser() {
  return (await createTestUser(db())).id;
}

async function createSession(userId: string, expiresInMs = HOUR) {
  const expiresAt = new Date(Date.now() + expiresInMs);
  const row = await db().session.create({
    data: { id: id(), tokenHash: id(), userId, generation: 0, expiresAt, absoluteExpiresAt: expiresAt },
  });
  return row.id;
}

async function eventsOf(userId: string) {
  const rows = await db().revocationEvent.findMany({ where: { userId }, orderBy: { id: "asc" } });
  return rows.map((row) => ({ userId: row.userId, sessionId: row.sessionId }));
}

describe("revocation log (database triggers)", () => {
  it("logs a live session that ends", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId);
    await db().session.delete({ where: { id: sessionId } });
    expect(await eventsOf(userId)).toEqual([{ userId, sessionId }]);
  });

  it("leaves out sessions that expired over an hour ago (a clean-up would flood the log)", async () => {
    const userId = await createUser();
    await createSession(userId, -2 * HOUR);
    const recent = await createSession(userId, -HOUR / 2);
    await db().session.deleteMany({ where: { userId } });
    expect(await eventsOf(userId)).toEqual([{ userId, sessionId: recent }]);
  });

  it("logs a session shortened or re-keyed by hand, never the app's own slide forward", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId);
    await db().session.update({ where: { id: sessionId }, data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + 2 * HOUR) } });
    expect(await eventsOf(userId)).toEqual([]);
    await db().session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() + HOUR / 2) } });
    await db().session.update({ where: { id: sessionId }, data: { tokenHash: id() } });
    expect(await eventsOf(userId)).toEqual([
      { userId, sessionId },
      { userId, sessionId },
    ]);
  });

  it("logs a sealed cookie's revocation", async () => {
    const userId = await createUser();
    await db().revokedSession.create({ data: { id: "sealed-1", userId, expiresAt: new Date(Date.now() + HOUR) } });
    expect(await eventsOf(userId)).toEqual([{ userId, sessionId: "sealed-1" }]);
  });

  it("logs every change to a user, and a deleted user with their sessions", async () => {
    const userId = await createUser();
    await db().user.update({ where: { id: userId }, data: { role: "ADMIN" } });
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: { increment: 1 } } });
    expect(await eventsOf(userId)).toEqual([
      { userId, sessionId: null },
      { userId, sessionId: null },
    ]);
    const sessionId = await createSession(userId);
    await db().user.delete({ where: { id: userId } });
    expect(await eventsOf(userId)).toEqual(expect.arrayContaining([{ userId, sessionId }]));
    expect((await eventsOf(userId)).filter((event) => event.sessionId === null)).toHaveLength(3);
  });
});

describe("session cache", () => {
  let time = 0;
  const clock = () => time;
  let cache: SessionCache;

  beforeEach(async () => {
    time = 1_000_000;
    cache = createSessionCache({ db, clock });
    expect(await cache.ready()).toBe(true);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("serves what was set until the log names its session or its user", async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const [a1, a2, b1] = [await createSession(alice), await createSession(alice), await createSession(bob)];
    const mark = cache.mark();
    cache.set("a1", "alice's first", { userId: alice, sessionId: a1 }, mark);
    cache.set("a2", "alice's second", { userId: alice, sessionId: a2 }, mark);
    cache.set("b1", "bob's", { userId: bob, sessionId: b1 }, mark);

    await db().session.delete({ where: { id: a1 } });
    await cache.catchUp();
    expect([cache.get("a1"), cache.get("a2"), cache.get("b1")]).toEqual([undefined, "alice's second", "bob's"]);

    await db().user.update({ where: { id: alice }, data: { name: "Alice" } });
    await cache.catchUp();
    expect([cache.get("a2"), cache.get("b1")]).toEqual([undefined, "bob's"]);
  });

  it("refuses a value read before news arrived: it may predate the revocation", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId);
    const before = cache.mark();
    await db().session.delete({ where: { id: sessionId } });
    await cache.catchUp();
    cache.set("stale", "read before the logout", { userId, sessionId }, before);
    expect(cache.get("stale")).toBeUndefined();
    cache.set("fresh", "read after", { userId, sessionId }, cache.mark());
    expect(cache.get("fresh")).toBe("read after");
  });

  it("applies each event once, though every read asks for the last 30 seconds again", async () => {
    await db().session.delete({ where: { id: await createSession(await createUser()) } });
    await cache.catchUp();
    const mark = cache.mark();
    await cache.catchUp();
    expect(cache.mark()).toBe(mark);
  });

  it("still sees an event that committed after a read it predates", async () => {
    const userId = await createUser();
    cache.set("entry", "value", { userId }, cache.mark());
    // As if a transaction that began 10 s ago committed only now.
    await db().$executeRaw`INSERT INTO "RevocationEvent" ("userId", "at") VALUES (${userId}, clock_timestamp() - interval '10 seconds')`;
    await cache.catchUp();
    expect(cache.get("entry")).toBeUndefined();
  });

  it("is trusted only within a second of its last read of the log, and reads before answering past that", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId);
    cache.set("entry", "value", { userId, sessionId }, cache.mark());
    // Revoked by another instance: this cache has not read the log since.
    await db().session.delete({ where: { id: sessionId } });

    time += 999;
    expect(await cache.ready()).toBe(true);
    // Within the second it may still answer from the cache (a read has only just started)…
    expect(cache.get("entry")).toBe("value");
    time += 1;
    // …and not a moment later: ready() waits for a read, which drops the entry.
    expect(await cache.ready()).toBe(true);
    expect(cache.get("entry")).toBeUndefined();
  });

  it("reads the log about once a second while busy, and never serves from a read older than a second", async () => {
    let reads = 0;
    const counted = createSessionCache({ db: () => (reads++, db()), clock });
    await counted.ready();
    reads = 0;
    // Ten seconds of a request every 10 ms, each waiting a moment so background reads can land.
    for (let i = 0; i < 1000; i++) {
      time += 10;
      expect(await counted.ready()).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(reads).toBeGreaterThanOrEqual(10);
    expect(reads).toBeLessThanOrEqual(14);
  });

  it("at its full 100,000 entries, a revocation drops exactly the entries it names", async () => {
    const userId = await createUser();
    const [revoked, kept] = [await createSession(userId), await createSession(userId)];
    const full = createSessionCache({ db, clock });
    await full.ready();
    for (let i = 0; i < 100_000 - 2; i++) full.set(`other-${i}`, i, { userId: `user-${i % 10_000}`, sessionId: `session-${i}` }, full.mark());
    full.set("revoked", "r", { userId, sessionId: revoked }, full.mark());
    full.set("kept", "k", { userId, sessionId: kept }, full.mark());
    expect(full.stats()).toMatchObject({ entries: 100_000, evictions: 0 });
    await db().session.delete({ where: { id: revoked } });
    await full.catchUp();
    expect([full.get("revoked"), full.get("kept"), full.get("other-0")]).toEqual([undefined, "k", 0]);
    expect(full.stats().entries).toBe(99_999);
    // A user event (a password change: the user row changes) drops the rest of that user's.
    await db().user.update({ where: { id: userId }, data: { sessionGeneration: { increment: 1 } } });
    await full.catchUp();
    expect([full.get("kept"), full.get("other-1")]).toEqual([undefined, 1]);
    expect(full.stats().entries).toBe(99_998);
  });

  /** A cache whose database can be taken down and brought back. */
  async function flakyCache() {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const state = { down: false };
    const flaky = createSessionCache({
      db: () => {
        if (state.down) throw new Error("database down");
        return db();
      },
      clock,
    });
    expect(await flaky.ready()).toBe(true);
    return { flaky, state };
  }

  it("answers not ready when the log cannot be read (callers go to the database)", async () => {
    const { flaky, state } = await flakyCache();
    state.down = true;
    time += 500;
    expect(await flaky.ready()).toBe(true);
    time += 500;
    expect(await flaky.ready()).toBe(false);
    state.down = false;
    expect(await flaky.ready()).toBe(true);
  });

  it("stops trusting itself when it cannot read the log after a revocation", async () => {
    const { flaky, state } = await flakyCache();
    state.down = true;
    await flaky.catchUp();
    expect(await flaky.ready()).toBe(false);
  });

  it("starts empty after a long silence (a frozen serverless instance)", async () => {
    cache.set("entry", "value", { userId: "u" }, cache.mark());
    time += 11 * 60_000;
    expect(await cache.ready()).toBe(true);
    expect(cache.get("entry")).toBeUndefined();
  });

  it("reads through: loads once, serves the hit while it is still good, loads again when not", async () => {
    let loads = 0;
    const load = async () => `value ${++loads}`;
    const tags = () => ({ userId: "u" });
    expect(await readThrough(cache, "k", load, tags)).toBe("value 1");
    expect(await readThrough(cache, "k", load, tags)).toBe("value 1");
    expect(await readThrough(cache, "k", load, tags, () => false)).toBe("value 2");
    expect(await readThrough(undefined, "k", load, tags)).toBe("value 3");
    expect(await readThrough(cache, "none", async () => null, tags)).toBeNull();
    expect(loads).toBe(3);
  });

  it("reads through without caching what was read while news arrived", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId);
    const value = await readThrough(
      cache,
      "raced",
      async () => {
        // A revocation lands while the value is being read.
        await db().session.delete({ where: { id: sessionId } });
        await cache.catchUp();
        return "read before the logout was seen";
      },
      () => ({ userId, sessionId }),
    );
    expect(value).toBe("read before the logout was seen");
    expect(cache.get("raced")).toBeUndefined();
  });

  it("holds at most maxEntries, dropping the least recently used, and counts what it does", async () => {
    const small = createSessionCache({ db, clock, maxEntries: 2 });
    await small.ready();
    for (const key of ["a", "b"]) small.set(key, key, { userId: "u" }, small.mark());
    expect(small.get("a")).toBe("a"); // a is now the most recently used
    small.set("c", "c", { userId: "u" }, small.mark());
    expect([small.get("a"), small.get("b"), small.get("c")]).toEqual(["a", undefined, "c"]);
    expect(small.stats()).toEqual({ hits: 3, misses: 1, entries: 2, maxEntries: 2, evictions: 1 });
    // A value the caller cannot use (a row that looks expired) is a miss, not a hit.
    expect(small.get("a", () => false)).toBeUndefined();
    expect(small.stats()).toMatchObject({ hits: 3, misses: 2 });
  });

  it("an evicted entry leaves no trace in its tag indexes: a later event for it drops nothing else", async () => {
    const userId = await createUser();
    const [s1, s2] = [await createSession(userId), await createSession(userId)];
    const small = createSessionCache({ db, clock, maxEntries: 1 });
    await small.ready();
    small.set("one", "1", { userId, sessionId: s1 }, small.mark());
    small.set("two", "2", { userId, sessionId: s2 }, small.mark());
    await db().session.delete({ where: { id: s1 } });
    await small.catchUp();
    expect(small.get("two")).toBe("2");
  });

  it("replaces a value with a newer copy only while it still holds the one the caller read", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId);
    const first = { seen: 1 };
    cache.set("k", first, { userId, sessionId }, cache.mark());
    const second = { seen: 2 };
    cache.replace("k", first, second);
    expect(cache.get("k")).toBe(second);
    expect(first).toEqual({ seen: 1 }); // never changed in place
    // The read raced a revocation: the entry is gone, and a late replace does not bring it back.
    await db().session.delete({ where: { id: sessionId } });
    await cache.catchUp();
    cache.replace("k", second, { seen: 3 });
    expect(cache.get("k")).toBeUndefined();
    // Nor does a replace of a value that is no longer the one held.
    cache.set("k", first, { userId }, cache.mark());
    cache.replace("k", second, { seen: 4 });
    expect(cache.get("k")).toBe(first);
  });
});
