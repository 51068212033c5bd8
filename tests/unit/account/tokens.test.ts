import { describe, expect, it } from "vitest";
import { consumeEmailToken, deleteExpiredEmailTokens, isUsableEmailToken, issueEmailToken, TOKEN_LIFETIME_MS } from "@/lib/account/tokens";
import { hashToken } from "@/lib/token";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

const db = useTestDatabase("unit_email_tokens", { asAppDatabase: true });

describe("email tokens (SPEC §7)", () => {
  it("carries 256 random bits, and only its SHA-256 is stored", async () => {
    const user = await createTestUser(db());
    const issued = await issueEmailToken("verify-email", { id: user.id });
    expect(issued?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db().emailToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashToken(issued!.token));
    expect(JSON.stringify(rows)).not.toContain(issued!.token);
    expect(rows[0]!.email).toBe(user.email);
  });

  it("expires after 1 hour (reset) and 24 hours (verification, email change)", async () => {
    const user = await createTestUser(db());
    for (const kind of ["reset-password", "verify-email", "change-email"] as const) {
      const before = Date.now();
      await issueEmailToken(kind, { id: user.id }, { newEmail: "new@unit.test" });
      const kindName = { "reset-password": "RESET_PASSWORD", "verify-email": "VERIFY_EMAIL", "change-email": "CHANGE_EMAIL" } as const;
      const row = await db().emailToken.findFirstOrThrow({ where: { userId: user.id, kind: kindName[kind] } });
      expect(Math.abs(row.expiresAt.getTime() - before - TOKEN_LIFETIME_MS[kind])).toBeLessThan(5_000);
    }
    expect(TOKEN_LIFETIME_MS["reset-password"]).toBe(60 * 60 * 1000);
    expect(TOKEN_LIFETIME_MS["verify-email"]).toBe(24 * 60 * 60 * 1000);
  });

  it("is single use: two concurrent uses, exactly one success", async () => {
    for (let round = 0; round < 5; round++) {
      const user = await createTestUser(db());
      const { token } = (await issueEmailToken("reset-password", { email: user.email }))!;
      const results = await Promise.all(Array.from({ length: 8 }, () => consumeEmailToken("reset-password", token)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await consumeEmailToken("reset-password", token)).toBeNull();
    }
  });

  it("is only good for its own kind", async () => {
    const user = await createTestUser(db());
    const { token } = (await issueEmailToken("verify-email", { id: user.id }))!;
    expect(await consumeEmailToken("reset-password", token)).toBeNull();
    expect(await consumeEmailToken("verify-email", token)).toMatchObject({ userId: user.id, email: user.email });
  });

  it("dies when a newer one of the same kind is issued (others kinds live on)", async () => {
    const user = await createTestUser(db());
    const first = (await issueEmailToken("reset-password", { id: user.id }))!;
    const verify = (await issueEmailToken("verify-email", { id: user.id }))!;
    const second = (await issueEmailToken("reset-password", { id: user.id }))!;
    expect(await isUsableEmailToken("reset-password", first.token)).toBe(false);
    expect(await consumeEmailToken("reset-password", first.token)).toBeNull();
    expect(await consumeEmailToken("reset-password", second.token)).not.toBeNull();
    expect(await consumeEmailToken("verify-email", verify.token)).not.toBeNull();
  });

  it("dies when the password changes", async () => {
    const user = await createTestUser(db());
    const { token } = (await issueEmailToken("reset-password", { id: user.id }))!;
    await db().user.update({ where: { id: user.id }, data: { passwordHash: "changed" } });
    expect(await isUsableEmailToken("reset-password", token)).toBe(false);
    expect(await consumeEmailToken("reset-password", token)).toBeNull();
  });

  it("dies when the email changes, and does not come back if it changes back", async () => {
    const user = await createTestUser(db());
    const { token } = (await issueEmailToken("verify-email", { id: user.id }))!;
    await db().user.update({ where: { id: user.id }, data: { email: `other-${user.email}` } });
    expect(await consumeEmailToken("verify-email", token)).toBeNull();
    // Used tokens and dead ones alike: the row stays dead; a fresh link is the way back.
    await db().user.update({ where: { id: user.id }, data: { email: user.email, passwordHash: "y" } });
    expect(await consumeEmailToken("verify-email", token)).toBeNull();
  });

  it("dies at its expiry, and the clean-up removes it", async () => {
    const user = await createTestUser(db());
    const { token } = (await issueEmailToken("verify-email", { id: user.id }))!;
    await db().emailToken.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await consumeEmailToken("verify-email", token)).toBeNull();
    expect(await deleteExpiredEmailTokens(new Date())).toBeGreaterThanOrEqual(1);
    expect(await db().emailToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it("answers null for an unknown address, and for malformed or huge tokens without a query", async () => {
    expect(await issueEmailToken("reset-password", { email: "nobody@unit.test" })).toBeNull();
    for (const bad of ["", "short", "x".repeat(43).replace(/x$/, "!"), "a".repeat(10_000)]) {
      expect(await consumeEmailToken("reset-password", bad)).toBeNull();
      expect(await isUsableEmailToken("reset-password", bad)).toBe(false);
    }
  });

  it("carries the new address of an email change, and the password hash it was checked against", async () => {
    const user = await createTestUser(db());
    const { token } = (await issueEmailToken("change-email", { id: user.id }, { newEmail: "next@unit.test" }))!;
    expect(await consumeEmailToken("change-email", token)).toEqual({ userId: user.id, email: user.email, newEmail: "next@unit.test", passwordHash: "x" });
  });
});
