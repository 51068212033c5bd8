import { describe, expect, it } from "vitest";
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

    // The revocation log is dated by the database's clock: one row from two hours ago, one from now.
    await db().revocationEvent.deleteMany();
    await db().$executeRaw`INSERT INTO "RevocationEvent" ("userId", "at") VALUES (${user.id}, now() - interval '2 hours'), (${user.id}, now())`;

    expect(await deleteExpiredRows()).toEqual({ sessions: 3, revokedSessions: 1, rateLimits: 1, authEvents: 1, revocationEvents: 1 });
    expect((await db().session.findMany()).map((s) => s.id)).toEqual(["live"]);
    expect((await db().revokedSession.findMany()).map((r) => r.id)).toEqual(["r-live"]);
    expect((await db().rateLimit.findMany()).map((r) => r.key)).toEqual(["live"]);
    expect(await db().authEvent.count()).toBe(1);
  });
});
