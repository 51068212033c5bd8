import { describe, expect, it } from "vitest";
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery";

describe("recovery codes", () => {
  it("come as 10 distinct codes of six groups of four Crockford base32 characters (120 bits)", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){5}$/);
  });

  it("are read whatever the case, spacing and dashes, with i/l read as 1 and o as 0", () => {
    const [code] = newRecoveryCodes() as [string];
    const canonical = code.replaceAll("-", "");
    expect(normaliseRecoveryCode(code)).toBe(canonical);
    expect(normaliseRecoveryCode(` ${code.toUpperCase().replaceAll("-", " ")} `)).toBe(canonical);
    expect(normaliseRecoveryCode("0000-1111-0000-1111-0000-1111")).toBe(normaliseRecoveryCode("oOoO-iIlL-0000-1111-0000-1111"));
  });

  it("refuse anything that cannot be a code", () => {
    for (const input of ["", "123456", "abcd-efgh", "u".repeat(24), "a".repeat(25), "!".repeat(24)]) {
      expect(normaliseRecoveryCode(input), input).toBeNull();
    }
  });

  it("are stored as SHA-256 of the canonical form: 64 hex characters, nothing of the code", () => {
    const [code] = newRecoveryCodes() as [string];
    const hash = hashRecoveryCode(normaliseRecoveryCode(code)!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(code.slice(0, 4));
    expect(hashRecoveryCode(normaliseRecoveryCode(code.toUpperCase())!)).toBe(hash);
  });
});
