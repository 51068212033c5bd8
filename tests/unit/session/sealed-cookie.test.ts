import { sealData, unsealData } from "iron-session";
import { beforeEach, describe, expect, it } from "vitest";
import { createSessionCache, type SessionCache } from "@/lib/session/cache";
import { createSealedCookieStore, passwordId } from "@/lib/session/sealed-cookie";
import type { SessionStore } from "@/lib/session/types";
import { createSessionOrFail } from "@/tests/support/sessions";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

const OLD = "old-secret-old-secret-old-secret-0000";
const NEW = "new-secret-new-secret-new-secret-1111";
const IDLE = 1000; // seconds
const MAX_AGE = 3000;
const meta = { userAgent: "vitest", ip: "203.0.113.9" };

let clock: number;
let userId: string;
let cache: SessionCache | undefined;

const db = useTestDatabase("unit_cookie");

beforeEach(async () => {
  clock = Date.UTC(2030, 0, 1);
  userId = (await createTestUser(db())).id;
});

function storeWith(secrets: string[]): SessionStore {
  return createSealedCookieStore({ db, secrets, idleTimeoutSeconds: IDLE, maxAgeSeconds: MAX_AGE, now: () => clock, cache });
}

const advance = (seconds: number) => {
  clock += seconds * 1000;
};

const subject = () => ({ id: userId, role: "user" as const, generation: 0 });

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const flipLowBit = (char: string) => BASE64URL[BASE64URL.indexOf(char) ^ 1]!;

// Every behaviour holds with and without the in-process cache (lib/session/cache.ts); stores made
// in one test share its cache, like the proxy and the app in one server process.
describe.each([{ withCache: false }, { withCache: true }])("sealed-cookie session store (cache: $withCache)", ({ withCache }) => {
  beforeEach(() => {
    cache = withCache ? createSessionCache({ db }) : undefined;
  });

  it("refuses a genuine seal of the format before session generations (v1), as the upgrade note says", async () => {
    const store = storeWith([NEW]);
    const { cookieValue, session } = await createSessionOrFail(store, subject(), meta);
    const v1 = await unsealData<Record<string, unknown>>(cookieValue, { password: { [passwordId(NEW)]: NEW } });
    delete v1.gen;
    const old = await sealData({ ...v1, v: 1 }, { password: { [passwordId(NEW)]: NEW }, ttl: MAX_AGE });
    expect(await store.validateSession(old)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: session.id }, old)).toBeNull();
  });

  it("seals user, role, session id, issued-at and expiry (AES-256 + HMAC, iron)", async () => {
    const store = storeWith([NEW]);
    const { cookieValue, maxAgeSeconds, session } = await createSessionOrFail(store, subject(), meta);
    expect(cookieValue).toMatch(/^Fe26\.2\*/);
    expect(cookieValue).not.toContain(userId);
    expect(maxAgeSeconds).toBe(MAX_AGE);
    const payload = await unsealData<Record<string, unknown>>(cookieValue, { password: { [passwordId(NEW)]: NEW } });
    expect(payload).toMatchObject({ sid: session.id, uid: userId, role: "user", iat: clock, exp: clock + IDLE * 1000, abs: clock + MAX_AGE * 1000 });
    expect(cookieValue.length).toBeLessThan(1000);
  });

  it("validates with no database access at all", async () => {
    const store = storeWith([NEW]);
    const { cookieValue, session } = await createSessionOrFail(store, subject(), meta);
    const offline = createSealedCookieStore({
      db: () => {
        throw new Error("database touched");
      },
      secrets: [NEW],
      idleTimeoutSeconds: IDLE,
      maxAgeSeconds: MAX_AGE,
      now: () => clock,
    });
    expect(await offline.validateSession(cookieValue)).toEqual({ sessionId: session.id, userId, role: "user" });
  });

  it("rejects tampered, truncated and foreign-secret cookies", async () => {
    const store = storeWith([NEW]);
    const { cookieValue } = await createSessionOrFail(store, subject(), meta);
    const parts = cookieValue.split("*");
    parts[4] = `${parts[4]!.slice(0, -2)}${parts[4]!.endsWith("AA") ? "BB" : "AA"}`;
    expect(await store.validateSession(parts.join("*"))).toBeNull();
    expect(await store.validateSession(cookieValue.slice(0, -10))).toBeNull();
    expect(await store.validateSession("")).toBeNull();
    expect(await store.validateSession("not-a-seal")).toBeNull();
    const foreign = await createSessionOrFail(storeWith(["someone-elses-secret-that-is-long-enough"]), subject(), meta);
    expect(await store.validateSession(foreign.cookieValue)).toBeNull();
  });

  it.each([
    ["last character changed", (seal: string) => `${seal.slice(0, -1)}${seal.endsWith("3") ? "4" : "3"}`],
    ["last character removed", (seal: string) => seal.slice(0, -1)],
    ["a character appended", (seal: string) => `${seal}0`],
    ["the ~2 suffix removed", (seal: string) => seal.replace(/~2$/, "")],
    ["a second suffix appended", (seal: string) => `${seal}~2`],
    // The digest's last base64url character carries 2 unused bits; flipping one decodes to the same MAC.
    ["the digest re-encoded (unused bits set)", (seal: string) => seal.replace(/(.)~2$/, (_, c: string) => `${flipLowBit(c)}~2`)],
  ])("accepts only the exact seal it issued: %s is refused", async (_, alter) => {
    const store = storeWith([NEW]);
    const { cookieValue, session } = await createSessionOrFail(store, subject(), meta);
    const altered = alter(cookieValue);
    expect(altered).not.toBe(cookieValue);
    expect(await store.validateSession(altered)).toBeNull();
    expect(await store.validateSession(altered, { checkRevocation: true })).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: session.id }, altered)).toBeNull();
    // The genuine cookie is still fine: only the altered form is refused.
    expect(await store.loadCurrent({ userId, sessionId: session.id }, cookieValue)).not.toBeNull();
  });

  it("expires after the idle timeout, and slides by re-sealing past half of it", async () => {
    const store = storeWith([NEW]);
    const { cookieValue } = await createSessionOrFail(store, subject(), meta);
    advance(IDLE / 2 - 10);
    expect((await store.validateSession(cookieValue))?.refreshed).toBeUndefined();
    advance(20);
    const slid = await store.validateSession(cookieValue);
    expect(slid?.refreshed).toBeDefined();
    advance(IDLE / 2 + 100);
    expect(await store.validateSession(cookieValue)).toBeNull();
    expect(await store.validateSession(slid!.refreshed!.cookieValue)).not.toBeNull();
  });

  it("never slides past the absolute lifetime", async () => {
    const store = storeWith([NEW]);
    let { cookieValue } = await createSessionOrFail(store, subject(), meta);
    for (let used = 0; used < MAX_AGE - 600; used += 600) {
      advance(600);
      const result = await store.validateSession(cookieValue);
      expect(result).not.toBeNull();
      cookieValue = result!.refreshed?.cookieValue ?? cookieValue;
    }
    advance(600);
    expect(await store.validateSession(cookieValue)).toBeNull();
  });

  it("rotates secrets: an old seal is accepted and re-sealed with the newest; a dropped secret is refused", async () => {
    const { cookieValue } = await createSessionOrFail(storeWith([OLD]), subject(), meta);
    const rotated = storeWith([NEW, OLD]);
    const result = await rotated.validateSession(cookieValue);
    expect(result?.userId).toBe(userId);
    const resealed = result!.refreshed!.cookieValue;
    expect(resealed.split("*")[1]).toBe(String(passwordId(NEW)));
    expect((await rotated.validateSession(resealed))?.refreshed).toBeUndefined();

    const dropped = storeWith([NEW]);
    expect(await dropped.validateSession(cookieValue)).toBeNull();
    expect(await dropped.validateSession(resealed)).not.toBeNull();
  });

  // Issue 12 item 9: the choice travels in the seal, so every re-sealed cookie keeps it.
  it.each([true, false])("remember me (persistent %j): on the cookie and the current session, and kept by every re-seal", async (persistent) => {
    const { cookieValue, session, maxAgeSeconds } = await createSessionOrFail(storeWith([OLD]), subject(), meta, { persistent });
    expect(maxAgeSeconds).toBe(MAX_AGE);
    expect((await createSessionOrFail(storeWith([OLD]), subject(), meta, { persistent })).persistent).toBe(persistent);
    const claims = { userId, sessionId: session.id };
    const store = storeWith([NEW, OLD]);
    expect((await store.loadCurrent(claims, cookieValue))?.persistent).toBe(persistent);
    // Re-sealed with the newest secret on first use...
    const rotated = (await store.validateSession(cookieValue))!.refreshed!;
    expect(rotated.persistent).toBe(persistent);
    expect((await store.loadCurrent(claims, rotated.cookieValue))?.persistent).toBe(persistent);
    // ...and again when it slides, still with the session's own limits.
    advance(IDLE / 2 + 1);
    const slid = (await store.validateSession(rotated.cookieValue))!.refreshed!;
    expect(slid).toMatchObject({ persistent, maxAgeSeconds: MAX_AGE - (IDLE / 2 + 1) });
    expect((await store.loadCurrent(claims, slid.cookieValue))?.persistent).toBe(persistent);
    const payload = await unsealData<Record<string, unknown>>(slid.cookieValue, { password: { [passwordId(NEW)]: NEW } });
    expect(payload).toMatchObject({ sid: session.id, exp: clock + IDLE * 1000, per: persistent });
  });

  it("a seal made before remember me existed (no per field) stays valid and persistent, re-seals included", async () => {
    const store = storeWith([NEW]);
    const { cookieValue, session } = await createSessionOrFail(store, subject(), meta, { persistent: false });
    const payload = await unsealData<Record<string, unknown>>(cookieValue, { password: { [passwordId(NEW)]: NEW } });
    delete payload.per;
    const older = await sealData(payload, { password: { [passwordId(NEW)]: NEW }, ttl: MAX_AGE });
    expect((await store.loadCurrent({ userId, sessionId: session.id }, older))?.persistent).toBe(true);
    advance(IDLE / 2 + 1);
    expect((await store.validateSession(older))?.refreshed?.persistent).toBe(true);
  });

  it("logout revokes that session for good, until it would have expired", async () => {
    const store = storeWith([NEW]);
    const a = await createSessionOrFail(store, subject(), meta);
    const b = await createSessionOrFail(store, subject(), meta);
    await store.invalidateSession(a.cookieValue);
    const claims = (s: typeof a) => ({ userId, sessionId: s.session.id });
    expect(await store.loadCurrent(claims(a), a.cookieValue)).toBeNull();
    expect(await store.validateSession(a.cookieValue, { checkRevocation: true })).toBeNull();
    expect(await store.loadCurrent(claims(b), b.cookieValue)).not.toBeNull();
    const row = await db().revokedSession.findUniqueOrThrow({ where: { id: a.session.id } });
    expect(row.expiresAt.getTime()).toBe(clock + MAX_AGE * 1000);
  });

  it("logout-all moves the user's generation on: every cookie sealed before is dead, later ones live", async () => {
    const store = storeWith([NEW]);
    const before = await createSessionOrFail(store, subject(), meta);
    const generation = await store.invalidateUserSessions(userId);
    expect(generation).toBe(1);
    const after = await createSessionOrFail(store, { ...subject(), generation: generation! }, meta);
    expect(await store.loadCurrent({ userId, sessionId: before.session.id }, before.cookieValue)).toBeNull();
    expect(await store.validateSession(before.cookieValue, { checkRevocation: true })).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: after.session.id }, after.cookieValue)).toMatchObject({ generation: 1 });
  });

  it("no clock decides: a cookie sealed in the same millisecond as logout-all, but before it, is dead", async () => {
    const store = storeWith([NEW]);
    const before = await createSessionOrFail(store, subject(), meta);
    await store.invalidateUserSessions(userId);
    expect(await store.loadCurrent({ userId, sessionId: before.session.id }, before.cookieValue)).toBeNull();
  });

  it("a login checked before logout-all gets no session after it (issue 10)", async () => {
    const store = storeWith([NEW]);
    // The login read generation 0 with the password; logout-all landed before it sealed.
    await store.invalidateUserSessions(userId);
    expect(await store.createSession(subject(), meta, { persistent: true })).toBeNull();
  });

  it("logout-all on condition: only while the user is at the generation the caller saw", async () => {
    const store = storeWith([NEW]);
    expect(await store.invalidateUserSessions(userId, { ifGeneration: 0 })).toBe(1);
    expect(await store.invalidateUserSessions(userId, { ifGeneration: 0 })).toBeNull();
    expect(await store.invalidateUserSessions("no-such-user")).toBeNull();
  });

  it("a cookie carrying a role the user no longer has is dead", async () => {
    const store = storeWith([NEW]);
    const { cookieValue, session } = await createSessionOrFail(store, subject(), meta);
    await db().user.update({ where: { id: userId }, data: { role: "ADMIN" } });
    expect(await store.loadCurrent({ userId, sessionId: session.id }, cookieValue)).toBeNull();
  });

  it("loads the user and the session described by the cookie, only for matching claims", async () => {
    const store = storeWith([NEW]);
    const { cookieValue, session } = await createSessionOrFail(store, subject(), meta);
    const current = await store.loadCurrent({ userId, sessionId: session.id }, cookieValue);
    expect(current?.user).toMatchObject({ id: userId, role: "user" });
    expect(current?.generation).toBe(0);
    expect(current?.user).not.toHaveProperty("passwordHash");
    expect(current?.session).toMatchObject({ id: session.id, userAgent: "vitest", ip: "203.0.113.9" });
    expect(await store.loadCurrent({ userId, sessionId: "other" }, cookieValue)).toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: session.id }, undefined)).toBeNull();
  });
});

// What the rest of the app asks of the store instead of knowing its strategy (issue 11): a seal
// is recorded nowhere, so the store knows only the session it is shown.
describe("sealed-cookie session store: listing and counting for the pages", () => {
  beforeEach(() => {
    cache = undefined;
  });

  it("lists only the caller's own session and counts nothing", async () => {
    const store = storeWith([NEW]);
    expect(store.listsAllSessions).toBe(false);
    const mine = await createSessionOrFail(store, subject(), meta);
    await createSessionOrFail(store, subject(), meta);
    expect(await store.listUserSessions(userId, mine.session)).toEqual([mine.session]);
    expect(await store.countActiveSessions([userId])).toBeNull();
  });

  it("cannot end another session by its id alone: nothing says whose a seal is", async () => {
    const store = storeWith([NEW]);
    const mine = await createSessionOrFail(store, subject(), meta);
    const other = await createSessionOrFail(store, subject(), meta);
    expect(await store.invalidateUserSession(userId, other.session.id)).toBe(false);
    expect(await store.loadCurrent({ userId, sessionId: other.session.id }, other.cookieValue)).not.toBeNull();
    expect(await store.loadCurrent({ userId, sessionId: mine.session.id }, mine.cookieValue)).not.toBeNull();
    expect(await db().revokedSession.count({ where: { userId } })).toBe(0);
  });
});
