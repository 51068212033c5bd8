import { beforeEach, describe, expect, it } from "vitest";
import { createSessionCache } from "@/lib/session/cache";
import { createDatabaseStore } from "@/lib/session/database";
import { hashToken } from "@/lib/session/token";
import type { SessionStore } from "@/lib/session/types";
import { useTestDatabase } from "@/tests/support/vitest-database";

const IDLE = 1000; // seconds
const MAX_AGE = 3000;
const CAP = 3;
const meta = { userAgent: "vitest", ip: "203.0.113.9" };

let clock = Date.UTC(2030, 0, 1);
let store: SessionStore;
let userId: string;

const db = useTestDatabase("unit");

function makeStore(withCache: boolean): SessionStore {
  return createDatabaseStore({
    db,
    idleTimeoutSeconds: IDLE,
    maxAgeSeconds: MAX_AGE,
    maxSessionsPerUser: CAP,
    now: () => clock,
    cache: withCache ? createSessionCache({ db }) : undefined,
  });
}

beforeEach(async () => {
  clock = Date.UTC(2030, 0, 1);
  const user = await db().user.create({ data: { email: `u${Math.random()}@test.dev`, passwordHash: "x" } });
  userId = user.id;
});

const advance = (seconds: number) => {
  clock += seconds * 1000;
};

// Every behaviour holds with and without the in-process cache (lib/session/cache.ts).
describe.each([{ cache: false }, { cache: true }])("database session store (cache: $cache)", ({ cache }) => {
  beforeEach(() => {
    store = makeStore(cache);
  });

  it("stores only the SHA-256 of the token, next to a separate public id", async () => {
    const { cookieValue, session } = await store.createSession({ id: userId, role: "user" }, meta);
    const row = await db().session.findUniqueOrThrow({ where: { id: session.id } });
    expect(row.tokenHash).toBe(hashToken(cookieValue));
    expect(Object.values(row).map(String)).not.toContain(cookieValue);
    expect(row.id).not.toBe(cookieValue);
    expect(row).toMatchObject({ userId, userAgent: "vitest", ip: "203.0.113.9" });
  });

  it("validates a live token and nothing else", async () => {
    const { cookieValue, session } = await store.createSession({ id: userId, role: "user" }, meta);
    expect(await store.validateSession(cookieValue)).toEqual({ sessionId: session.id, userId, role: "user" });
    expect(await store.validateSession(session.id)).toBeNull();
    expect(await store.validateSession(hashToken(cookieValue))).toBeNull();
    const tampered = `${cookieValue.slice(0, -1)}${cookieValue.endsWith("A") ? "B" : "A"}`;
    expect(await store.validateSession(tampered)).toBeNull();
  });

  it("expires after the idle timeout and deletes the row", async () => {
    const { cookieValue, session } = await store.createSession({ id: userId, role: "user" }, meta);
    advance(IDLE - 1);
    expect(await store.validateSession(cookieValue)).not.toBeNull();
    advance(IDLE);
    expect(await store.validateSession(cookieValue)).toBeNull();
    expect(await db().session.findUnique({ where: { id: session.id } })).toBeNull();
  });

  it("slides only once past half the idle lifetime", async () => {
    const { cookieValue, session } = await store.createSession({ id: userId, role: "user" }, meta);
    const created = clock;
    advance(IDLE / 2 - 10);
    await store.validateSession(cookieValue);
    expect((await db().session.findUniqueOrThrow({ where: { id: session.id } })).expiresAt.getTime()).toBe(created + IDLE * 1000);
    advance(20);
    await store.validateSession(cookieValue);
    expect((await db().session.findUniqueOrThrow({ where: { id: session.id } })).expiresAt.getTime()).toBe(clock + IDLE * 1000);
  });

  it("never slides past the absolute lifetime", async () => {
    const { cookieValue } = await store.createSession({ id: userId, role: "user" }, meta);
    for (let used = 0; used < MAX_AGE - 600; used += 600) {
      advance(600);
      expect(await store.validateSession(cookieValue)).not.toBeNull();
    }
    advance(600);
    expect(await store.validateSession(cookieValue)).toBeNull();
  });

  it("records last-seen at most once a minute", async () => {
    const { cookieValue, session } = await store.createSession({ id: userId, role: "user" }, meta);
    const created = clock;
    advance(30);
    await store.validateSession(cookieValue);
    expect((await db().session.findUniqueOrThrow({ where: { id: session.id } })).lastSeenAt.getTime()).toBe(created);
    advance(31);
    await store.validateSession(cookieValue);
    expect((await db().session.findUniqueOrThrow({ where: { id: session.id } })).lastSeenAt.getTime()).toBe(clock);
  });

  it("ends the oldest sessions past the per-user cap", async () => {
    const tokens: string[] = [];
    for (let i = 0; i < CAP + 2; i++) {
      tokens.push((await store.createSession({ id: userId, role: "user" }, meta)).cookieValue);
      advance(1);
    }
    const alive = await Promise.all(tokens.map(async (t) => (await store.validateSession(t)) !== null));
    expect(alive).toEqual([false, false, true, true, true]);
    expect(await db().session.count({ where: { userId } })).toBe(CAP);
  });

  it("invalidates one session, or all of a user's", async () => {
    const a = await store.createSession({ id: userId, role: "user" }, meta);
    const b = await store.createSession({ id: userId, role: "user" }, meta);
    const c = await store.createSession({ id: userId, role: "user" }, meta);
    await store.invalidateSession(a.cookieValue);
    expect(await store.validateSession(a.cookieValue)).toBeNull();
    expect((await store.listUserSessions!(userId)).map((s) => s.id).sort()).toEqual([b.session.id, c.session.id].sort());
    await store.invalidateUserSessions(userId);
    expect(await store.validateSession(b.cookieValue)).toBeNull();
    expect(await store.validateSession(c.cookieValue)).toBeNull();
    expect(await store.listUserSessions!(userId)).toEqual([]);
  });

  it("loads the current user and session only for the matching user and cookie", async () => {
    const { cookieValue, session } = await store.createSession({ id: userId, role: "user" }, meta);
    const other = await store.createSession({ id: userId, role: "user" }, meta);
    const current = await store.loadCurrent({ userId, sessionId: session.id }, cookieValue);
    expect(current?.user).toMatchObject({ id: userId, role: "user" });
    expect(current?.user).not.toHaveProperty("passwordHash");
    expect(current?.session).toEqual(session);
    expect(await store.loadCurrent({ userId: "someone-else", sessionId: session.id }, cookieValue)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: session.id }, undefined)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: session.id }, other.cookieValue)).toBeNull();
  });
});
