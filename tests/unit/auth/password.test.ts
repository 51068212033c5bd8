import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

const COST = 10;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hashPassword / verifyPassword", () => {
  it("hashes with bcrypt at the configured cost and verifies", async () => {
    const hash = await hashPassword("correct horse battery", COST);
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(await verifyPassword("correct horse battery", hash, COST)).toBe(true);
    expect(await verifyPassword("wrong horse battery", hash, COST)).toBe(false);
  });

  it("honours a higher cost", async () => {
    expect(await hashPassword("correct horse battery", 11)).toMatch(/^\$2[aby]\$11\$/);
  });

  it("does a full bcrypt compare for an unknown account, at the configured cost", async () => {
    const compare = vi.spyOn(bcrypt, "compare");
    expect(await verifyPassword("whatever-password", null, COST)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0]![1]).toMatch(/^\$2[aby]\$10\$/);
  });

  it("refuses input past 72 bytes even when bcrypt would match its prefix", async () => {
    const password = "x".repeat(72);
    const hash = await hashPassword(password, COST);
    expect(await bcrypt.compare(`${password}extra`, hash)).toBe(true);
    expect(await verifyPassword(`${password}extra`, hash, COST)).toBe(false);
    expect(await verifyPassword(password, hash, COST)).toBe(true);
  });
});
