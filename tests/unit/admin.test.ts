import { beforeEach, describe, expect, it, vi } from "vitest";
import { changeRole, listUsersForAdmin, revokeAllSessionsOf } from "@/lib/admin";
import { getDb } from "@/lib/db";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

// Row counts below assume the database strategy; each store's own tests cover how it ends sessions.
process.env.SESSION_STRATEGY = "database";
const db = useTestDatabase("unit_admin", { asAppDatabase: true });
const actor = { id: "test-admin" };

async function user(role: "USER" | "ADMIN") {
  return createTestUser(db(), { role });
}

beforeEach(async () => {
  await db().user.deleteMany();
});

describe("changeRole", () => {
  it("never demotes the last admin", async () => {
    const admin = await user("ADMIN");
    expect(await changeRole(admin.id, "user", actor)).toEqual({ ok: false, reason: "last-admin" });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");
  });

  it("demotes an admin when another remains, and ends the demoted user's sessions", async () => {
    const a = await user("ADMIN");
    await user("ADMIN");
    await db().session.create({
      data: { id: "s1", tokenHash: "h1", userId: a.id, generation: 0, expiresAt: new Date(Date.now() + 60_000), absoluteExpiresAt: new Date(Date.now() + 60_000) },
    });
    const result = await changeRole(a.id, "user", actor);
    expect(result).toMatchObject({ ok: true, user: { id: a.id, role: "user" } });
    expect(await db().session.count({ where: { userId: a.id } })).toBe(0);
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const a = await user("ADMIN");
    const b = await user("ADMIN");
    const results = await Promise.all([changeRole(a.id, "user", actor), changeRole(b.id, "user", actor)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "last-admin" }]);
    expect(await getDb().user.count({ where: { role: "ADMIN" } })).toBe(1);
  });

  it("promotes, and reports unknown users", async () => {
    const u = await user("USER");
    expect(await changeRole(u.id, "admin", actor)).toMatchObject({ ok: true, user: { role: "admin" } });
    expect(await changeRole("nobody", "admin", actor)).toEqual({ ok: false, reason: "user-not-found" });
    expect(await revokeAllSessionsOf("nobody", actor)).toEqual({ ok: false, reason: "user-not-found" });
  });
});

describe("listUsersForAdmin", () => {
  it("counts each user's live sessions: not expired, not of an ended generation", async () => {
    const a = await user("USER");
    const b = await user("ADMIN");
    const at = (ms: number) => new Date(Date.now() + ms);
    await db().session.createMany({
      data: [
        { id: "live", tokenHash: "h1", userId: a.id, generation: 0, expiresAt: at(60_000), absoluteExpiresAt: at(60_000) },
        { id: "idle", tokenHash: "h2", userId: a.id, generation: 0, expiresAt: at(-1000), absoluteExpiresAt: at(60_000) },
        { id: "ended", tokenHash: "h3", userId: a.id, generation: 4, expiresAt: at(60_000), absoluteExpiresAt: at(60_000) },
      ],
    });
    const counts = new Map((await listUsersForAdmin()).map((row) => [row.id, row.activeSessions]));
    expect(counts).toEqual(new Map([[a.id, 1], [b.id, 0]]));
  });

  it("shows no count where the strategy cannot count (sealed cookies)", async () => {
    const a = await user("USER");
    vi.resetModules();
    process.env.SESSION_STRATEGY = "cookie";
    try {
      const { listUsersForAdmin: underCookies } = await import("@/lib/admin");
      expect((await underCookies()).map((row) => [row.id, row.activeSessions])).toEqual([[a.id, null]]);
    } finally {
      process.env.SESSION_STRATEGY = "database";
      vi.resetModules();
    }
  });
});
