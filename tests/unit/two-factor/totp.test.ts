import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { matchTotpStep, newTotpSecret, timeStepAt, totpUri } from "@/lib/two-factor/totp";

// A fixed clock: 10 s into a step, so "one back" and "one forward" are whole steps away.
const T = Date.UTC(2026, 10, 30, 12, 0, 10);
const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

describe("TOTP codes (RFC 6238, SHA-1, 6 digits, 30 s)", () => {
  const secret = newTotpSecret();

  it("secrets are 160-bit base32 and the URI is what authenticator apps read", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, "ann@example.test"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Cloakroom:ann@example.test");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Cloakroom");
    expect(uri.searchParams.get("digits") ?? "6").toBe("6");
    expect(uri.searchParams.get("period") ?? "30").toBe("30");
    expect((uri.searchParams.get("algorithm") ?? "SHA1").toUpperCase()).toBe("SHA1");
  });

  it("accepts the current step's code and the one before, with the step it matched", async () => {
    expect(await matchTotpStep(secret, await codeAt(secret, T), T)).toBe(timeStepAt(T));
    expect(await matchTotpStep(secret, await codeAt(secret, T - 30_000), T)).toBe(timeStepAt(T) - 1);
    // The last second of the window: still one step back.
    expect(await matchTotpStep(secret, await codeAt(secret, T - 30_000), T + 19_000)).toBe(timeStepAt(T) - 1);
  });

  it("refuses two steps back and any step forward", async () => {
    expect(await matchTotpStep(secret, await codeAt(secret, T - 60_000), T)).toBeNull();
    expect(await matchTotpStep(secret, await codeAt(secret, T + 30_000), T)).toBeNull();
  });

  it("refuses malformed codes and another secret's code", async () => {
    for (const bad of ["", "12345", "1234567", "abcdef", " 123456"]) expect(await matchTotpStep(secret, bad, T), bad).toBeNull();
    // Another secret whose code differs from both of this one's (two 6-digit codes collide by chance).
    const own = [await codeAt(secret, T), await codeAt(secret, T - 30_000)];
    let code = own[0]!;
    while (own.includes(code)) code = await codeAt(newTotpSecret(), T);
    expect(await matchTotpStep(secret, code, T)).toBeNull();
  });
});
