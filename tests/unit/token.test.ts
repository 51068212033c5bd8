import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/token";

describe("generateToken", () => {
  it("carries 256 random bits, base64url-encoded", () => {
    const token = generateToken();
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(looksLikeToken(token)).toBe(true);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
  });
});

describe("hashToken", () => {
  it("is the hex SHA-256 of the token, and not the token", () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hashToken(token)).not.toContain(token);
  });
});

describe("generateSessionId", () => {
  it("is random and unrelated to the token format", () => {
    const id = generateSessionId();
    expect(Buffer.from(id, "base64url")).toHaveLength(16);
    expect(looksLikeToken(id)).toBe(false);
    expect(generateSessionId()).not.toBe(id);
  });
});

describe("looksLikeToken", () => {
  it("rejects anything that is not a 43-character base64url string", () => {
    for (const value of ["", "a".repeat(42), "a".repeat(44), `${"a".repeat(42)}=`, `${"a".repeat(42)}/`]) {
      expect(looksLikeToken(value)).toBe(false);
    }
  });
});
