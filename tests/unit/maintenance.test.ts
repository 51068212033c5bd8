import { describe, expect, it, vi } from "vitest";
import { deleteExpiredRows } from "@/lib/maintenance";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

const db = useTestDatabase("unit_maintenance", { asAppDatabase: true });
const DAY = 24 * 60 * 60 * 1000;

describe("deleteExpiredRows", () => {
  it("deletes only what has expired, in every table", async () => {
    const user = await createTestUser(db(), { sessionGeneration: 1 });
    const t = Date.now();
    const at = (ms: number) => new Date(t + ms);
    await db().session.createMany({
      data: [
        { id: "idle", tokenHash: "h1", userId: user.id, generation: 0, expiresAt: at(-1000), absoluteExpiresAt: at(DAY) },
        { id: "capped", tokenHash: "h2", userId: user.id, generation: 0, expiresAt: at(DAY), absoluteExpiresAt: at(-1000) },
        { id: "live", tokenHash: "h3", userId: user.id, generation: 1, expiresAt: at(DAY), absoluteExpiresAt: at(DAY) },
        { id: "ended", tokenHash: "h4", userId: user.id, generation: 0, expiresAt: at(DAY), absoluteExpiresAt: at(DAY) },
      ],
    });
    await db().revokedSession.createMany({
      data: [
        { id: "r-old", userId: user.id, expiresAt: at(-1000) },
        { id: "r-live", userId: user.id, expiresAt: at(DAY) },
      ],
    });
    await db().rateLimit.createMany({
      data: [
        { key: "old", count: 1, windowStart: at(-2 * DAY), expiresAt: at(-1000) },
        { key: "live", count: 1, windowStart: at(0), expiresAt: at(DAY) },
      ],
    });
    await db().authEvent.createMany({
      data: [
        { type: "LOGIN_SUCCESS", userId: user.id, createdAt: at(-91 * DAY) },
        { type: "LOGIN_SUCCESS", userId: user.id, createdAt: at(-89 * DAY) },
      ],
    });

    await db().emailToken.createMany({
      data: [
        { kind: "RESET_PASSWORD", userId: user.id, tokenHash: "t-old", email: user.email, passwordStamp: "s", expiresAt: at(-1000) },
        { kind: "VERIFY_EMAIL", userId: user.id, tokenHash: "t-live", email: user.email, passwordStamp: "s", expiresAt: at(DAY) },
      ],
    });

    // Two-factor: a challenge past its 10 minutes and a live one; an unconfirmed setup past its
    // expiry, a live one, and an enabled secret (never expires).
    await db().mfaChallenge.createMany({
      data: [
        { tokenHash: "c-old", userId: user.id, generation: 1, remember: true, expiresAt: at(-1000) },
        { tokenHash: "c-live", userId: user.id, generation: 1, remember: true, expiresAt: at(600_000) },
      ],
    });
    const others = [await createTestUser(db()), await createTestUser(db())];
    await db().twoFactor.createMany({
      data: [
        { userId: user.id, secretSealed: "s", keyId: "k", pendingExpiresAt: at(-1000) },
        { userId: others[0]!.id, secretSealed: "s", keyId: "k", pendingExpiresAt: at(600_000) },
        { userId: others[1]!.id, secretSealed: "s", keyId: "k", enabledAt: at(-2 * DAY) },
      ],
    });

    // The revocation log is dated by the database's clock: one row from two hours ago, one from now.
    await db().revocationEvent.deleteMany();
    await db().$executeRaw`INSERT INTO "RevocationEvent" ("userId", "at") VALUES (${user.id}, now() - interval '2 hours'), (${user.id}, now())`;

    expect(await deleteExpiredRows()).toEqual({
      sessions: 3,
      revokedSessions: 1,
      rateLimits: 1,
      authEvents: 1,
      revocationEvents: 1,
      emailTokens: 1,
      mfaChallenges: 1,
      pendingTwoFactorSetups: 1,
    });
    expect((await db().mfaChallenge.findMany()).map((c) => c.tokenHash)).toEqual(["c-live"]);
    expect((await db().twoFactor.findMany({ orderBy: { userId: "asc" } })).map((f) => f.userId).sort()).toEqual(others.map((o) => o.id).sort());
    expect((await db().emailToken.findMany()).map((t) => t.tokenHash)).toEqual(["t-live"]);
    expect((await db().session.findMany()).map((s) => s.id)).toEqual(["live"]);
    expect((await db().revokedSession.findMany()).map((r) => r.id)).toEqual(["r-live"]);
    expect((await db().rateLimit.findMany()).map((r) => r.key)).toEqual(["live"]);
    expect(await db().authEvent.count()).toBe(1);
  });
});

// lib/session runs the clean-up of every strategy it knows, whichever is active: rows left behind
// by a switch of SESSION_STRATEGY still go (issue 11).
describe.each(["database", "cookie"])("deleteExpiredRows while SESSION_STRATEGY=%s", (strategy) => {
  it("deletes the dead rows of every strategy, and keeps the live ones", async () => {
    vi.resetModules();
    const before = process.env.SESSION_STRATEGY;
    process.env.SESSION_STRATEGY = strategy;
    try {
      const { getSessionStore } = await import("@/lib/session");
      const { deleteExpiredRows: cleanUp } = await import("@/lib/maintenance");
      expect(getSessionStore().listsAllSessions).toBe(strategy === "database");

      const user = await createTestUser(db());
      const at = (ms: number) => new Date(Date.now() + ms);
      const id = (name: string) => `${strategy}-${name}`;
      await db().session.createMany({
        data: [
          { id: id("dead"), tokenHash: id("h1"), userId: user.id, generation: 0, expiresAt: at(-1000), absoluteExpiresAt: at(DAY) },
          { id: id("stale"), tokenHash: id("h2"), userId: user.id, generation: 9, expiresAt: at(DAY), absoluteExpiresAt: at(DAY) },
          { id: id("live"), tokenHash: id("h3"), userId: user.id, generation: 0, expiresAt: at(DAY), absoluteExpiresAt: at(DAY) },
        ],
      });
      await db().revokedSession.createMany({
        data: [
          { id: id("r-old"), userId: user.id, expiresAt: at(-1000) },
          { id: id("r-live"), userId: user.id, expiresAt: at(DAY) },
        ],
      });

      expect(await cleanUp()).toMatchObject({ sessions: 2, revokedSessions: 1 });
      expect((await db().session.findMany({ where: { userId: user.id } })).map((s) => s.id)).toEqual([id("live")]);
      expect((await db().revokedSession.findMany({ where: { userId: user.id } })).map((r) => r.id)).toEqual([id("r-live")]);
    } finally {
      if (before === undefined) delete process.env.SESSION_STRATEGY;
      else process.env.SESSION_STRATEGY = before;
      vi.resetModules();
    }
  });
});
