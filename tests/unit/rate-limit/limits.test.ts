import { describe, expect, it } from "vitest";
import { loginLimits, underHold } from "@/lib/rate-limit";
import { useTestDatabase } from "@/tests/support/vitest-database";

useTestDatabase("unit_limits", { asAppDatabase: true });

const email = () => `u${Math.random()}@limits.test`;

describe("login limits around the password check", () => {
  it("a check that throws gives its holds back: a crash is not a guess (issue 10 review)", async () => {
    const account = email();
    // More crashes than the account's limit (5): none may leave the account refused.
    for (let i = 0; i < 8; i++) {
      const attempt = await loginLimits.attempt(account, "203.0.113.7");
      if (!attempt.allowed) throw new Error(`attempt ${i} refused: holds leaked`);
      await expect(underHold(attempt, () => Promise.reject(new Error("database blip")))).rejects.toThrow("database blip");
    }
    expect(await loginLimits.attempt(account, "203.0.113.7")).toMatchObject({ allowed: true });
  });

  it("failures count, successes do not, and the limit's failure locks the account", async () => {
    const account = email();
    for (let i = 0; i < 4; i++) {
      const attempt = await loginLimits.attempt(account, null);
      if (!attempt.allowed) throw new Error("refused too early");
      await loginLimits.failed(attempt);
    }
    const right = await loginLimits.attempt(account, null);
    if (!right.allowed) throw new Error("refused too early");
    await loginLimits.succeeded(account, right);
    for (let i = 0; i < 5; i++) {
      const attempt = await loginLimits.attempt(account, null);
      if (!attempt.allowed) throw new Error("success did not clear the failures");
      await loginLimits.failed(attempt);
    }
    expect(await loginLimits.attempt(account, null)).toMatchObject({ allowed: false });
  });
});
