import { sealData } from "iron-session";
import { beforeAll, describe, expect, it } from "vitest";

// lib/env reads these once: a secret list with an old secret behind the newest (rotation).
const NEW = "new-secret-new-secret-new-secret-1111";
const OLD = "old-secret-old-secret-old-secret-0000";
beforeAll(() => {
  process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/unused";
  process.env.SESSION_SECRET = `${NEW},${OLD}`;
});

describe("recovery-codes flash (sealed, bound to the user)", () => {
  it("opens for the user it was sealed for, and for nobody else", async () => {
    const { sealRecoveryCodesFlash, unsealRecoveryCodesFlash } = await import("@/lib/two-factor/cookies");
    const codes = ["aaaa-bbbb", "cccc-dddd"];
    const sealed = await sealRecoveryCodesFlash("user-1", codes);
    expect(sealed).not.toContain("aaaa");
    expect(await unsealRecoveryCodesFlash(sealed, "user-1")).toEqual(codes);
    expect(await unsealRecoveryCodesFlash(sealed, "user-2")).toBeNull();
    expect(await unsealRecoveryCodesFlash(undefined, "user-1")).toBeNull();
    expect(await unsealRecoveryCodesFlash(`${sealed.slice(0, -2)}xx`, "user-1")).toBeNull();
  });

  it("is never readable with the session secret itself (its own derived password), so no session seal passes for one", async () => {
    const { unsealRecoveryCodesFlash } = await import("@/lib/two-factor/cookies");
    const forged = await sealData({ userId: "user-1", codes: ["x"] }, { password: NEW, ttl: 300 });
    expect(await unsealRecoveryCodesFlash(forged, "user-1")).toBeNull();
  });
});
