import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { createSessionCache } from "@/lib/session/cache";
import { createDatabaseStore } from "@/lib/session/database";
import type { SessionStore } from "@/lib/session/types";
import { createSessionOrFail } from "@/tests/support/sessions";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

// Issue 10 item 4: timestamp columns hold UTC wall time, and nothing may read them in the
// session's TimeZone. Tokyo (UTC+9) is far enough ahead that an hour-wide comparison done in the
// wrong zone misses every session. Explicit here, so it runs whatever CLOAKROOM_TEST_DB_TIMEZONE says.
const ZONE = "Asia/Tokyo";
const db = useTestDatabase("unit_time_zone", { timeZone: ZONE });

const id = () => randomBytes(12).toString("base64url");
const MINUTE = 60_000;
const meta = { userAgent: "vitest", ip: "203.0.113.9" };

async function createUser() {
  return (await createTestUser(db())).id;
}

async function createSession(userId: string, expiresInMs: number) {
  const expiresAt = new Date(Date.now() + expiresInMs);
  return (await db().session.create({ data: { id: id(), tokenHash: id(), userId, generation: 0, expiresAt, absoluteExpiresAt: expiresAt } })).id;
}

async function loggedSessions(userId: string) {
  const rows = await db().revocationEvent.findMany({ where: { userId }, orderBy: { id: "asc" } });
  return rows.map((row) => row.sessionId);
}

/** A client with one connection, so a SET on it is the zone of every query the cache makes. */
function singleConnectionClient(): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url(), max: 1 }), omit: { user: { passwordHash: true } } });
}

describe(`a database in ${ZONE}`, () => {
  it("really is in that zone", async () => {
    const [row] = await db().$queryRaw<[{ zone: string }]>`SELECT current_setting('TimeZone') AS zone`;
    expect(row.zone).toBe(ZONE);
  });

  it("logs a session that ends 30 minutes before its expiry, as on a UTC database", async () => {
    const userId = await createUser();
    const sessionId = await createSession(userId, 30 * MINUTE);
    await db().session.delete({ where: { id: sessionId } });
    expect(await loggedSessions(userId)).toEqual([sessionId]);
  });

  it("logs sessions that expired within the hour and leaves out older ones", async () => {
    const userId = await createUser();
    const live = await createSession(userId, 30 * MINUTE);
    const recent = await createSession(userId, -30 * MINUTE);
    await createSession(userId, -120 * MINUTE);
    await db().session.deleteMany({ where: { userId } });
    expect((await loggedSessions(userId)).sort()).toEqual([live, recent].sort());
  });

  describe.each([
    { how: "logout", revoke: (store: SessionStore, cookie: string) => store.invalidateSession(cookie) },
    { how: "logout everywhere", revoke: (store: SessionStore, _cookie: string, userId: string) => store.invalidateUserSessions(userId) },
    {
      how: "revoking that one session",
      revoke: (store: SessionStore, _cookie: string, userId: string, sessionId: string) => store.invalidateUserSession!(userId, sessionId),
    },
  ])("database store with a cache, idle timeout one hour: $how", ({ revoke }) => {
    it("answers no session after the revocation, though the session was cached", async () => {
      const store = createDatabaseStore({
        db,
        idleTimeoutSeconds: 3600,
        maxAgeSeconds: 30 * 24 * 3600,
        maxSessionsPerUser: 5,
        cache: createSessionCache({ db }),
      });
      const userId = await createUser();
      const { cookieValue, session } = await createSessionOrFail(store, { id: userId, role: "user", generation: 0 }, meta);
      for (let i = 0; i < 3; i++) expect(await store.validateSession(cookieValue)).toMatchObject({ sessionId: session.id });
      await revoke(store, cookieValue, userId, session.id);
      expect(await store.validateSession(cookieValue)).toBeNull();
    });
  });

  it("reads the log's last 30 seconds on catch-up, not hours more or less", async () => {
    let time = 1_000_000;
    const cache = createSessionCache({ db, clock: () => time });
    expect(await cache.ready()).toBe(true);
    const [old, fresh] = [await createUser(), await createUser()];
    // Five minutes old: outside any read's look-back once the first read is done.
    await db().$executeRaw`INSERT INTO "RevocationEvent" ("userId", "at") VALUES (${old}, clock_timestamp() - interval '5 minutes')`;
    const mark = cache.mark();
    await cache.catchUp();
    expect(cache.mark()).toBe(mark);

    cache.set("entry", "value", { userId: fresh }, cache.mark());
    await db().user.update({ where: { id: fresh }, data: { name: "Changed" } });
    time += 1000;
    await cache.catchUp();
    expect(cache.get("entry")).toBeUndefined();
  });

  it("catches up whatever zone the connection reading the log is in (the database's zone changed)", async () => {
    const solo = singleConnectionClient();
    try {
      const cache = createSessionCache({ db: () => solo });
      expect(await cache.ready()).toBe(true);
      // Connections opened after an ALTER DATABASE … SET timezone are in the new zone.
      await solo.$executeRaw`SELECT set_config('TimeZone', 'UTC', false)`;
      const userId = await createUser();
      cache.set("entry", "value", { userId }, cache.mark());
      await db().user.update({ where: { id: userId }, data: { name: "Changed" } });
      await cache.catchUp();
      expect(cache.get("entry")).toBeUndefined();
    } finally {
      // The embedded database is one session: put its zone back for the tests that follow.
      await solo.$executeRaw`SELECT set_config('TimeZone', ${ZONE}, false)`;
      await solo.$disconnect();
    }
  });
});
