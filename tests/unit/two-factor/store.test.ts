import { generate } from "otplib";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

// A fixed clock the tests move: lib/two-factor reads time only through lib/clock.
const clock = vi.hoisted(() => ({ ms: Date.UTC(2026, 10, 30, 12, 0, 10) }));
vi.mock("@/lib/clock", () => ({ now: () => clock.ms }));

const { confirmPendingSetup, consumeRecoveryCode, consumeTotpCode, createChallenge, isChallengeLive, readPendingSecret, replaceRecoveryCodes, startPendingSetup, takeChallengeAttempt } =
  await import("@/lib/two-factor/store");
const { deriveKey } = await import("@/lib/two-factor/crypto");

const db = useTestDatabase("unit_two_factor", { asAppDatabase: true });
const START = clock.ms;
const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

/** A user with TOTP on, enabled with the code of the step before START; returns the secret and codes. */
async function enrolled() {
  const user = await createTestUser(db());
  const secret = (await startPendingSetup(user.id))!;
  const recoveryCodes = (await confirmPendingSetup(user.id, await codeAt(secret, clock.ms - 30_000)))!;
  expect(recoveryCodes).toHaveLength(10);
  return { user, secret, recoveryCodes };
}

beforeEach(() => {
  clock.ms = START;
});

describe("enrolment", () => {
  it("stores the secret encrypted, never in plain, and only a code of it confirms the setup", async () => {
    const user = await createTestUser(db());
    const secret = (await startPendingSetup(user.id))!;
    const row = await db().twoFactor.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.secretSealed).not.toContain(secret);
    expect(row.enabledAt).toBeNull();
    expect(await readPendingSecret(user.id)).toBe(secret);
    // A code that is neither of the window's two.
    const window = [await codeAt(secret, clock.ms), await codeAt(secret, clock.ms - 30_000)];
    const wrong = ["000000", "111111", "222222"].find((c) => !window.includes(c))!;
    expect(await confirmPendingSetup(user.id, wrong)).toBeNull();
    expect(await confirmPendingSetup(user.id, await codeAt(secret, clock.ms))).toHaveLength(10);
    expect(await readPendingSecret(user.id)).toBeNull();
    // On: a new setup cannot replace the live secret.
    expect(await startPendingSetup(user.id)).toBeNull();
  });

  it("a setup dies after 10 minutes", async () => {
    const user = await createTestUser(db());
    const secret = (await startPendingSetup(user.id))!;
    clock.ms += 10 * 60_000 + 1000;
    expect(await readPendingSecret(user.id)).toBeNull();
    expect(await confirmPendingSetup(user.id, await codeAt(secret, clock.ms))).toBeNull();
  });

  it("the code that confirmed enrolment counts as used", async () => {
    const user = await createTestUser(db());
    const secret = (await startPendingSetup(user.id))!;
    const code = await codeAt(secret, clock.ms);
    expect(await confirmPendingSetup(user.id, code)).not.toBeNull();
    expect(await consumeTotpCode(user.id, code)).toBe(false);
  });
});

describe("TOTP replay protection (SPEC §8)", () => {
  it("accepts a later step once; refuses the same code again, an older one, and a future one", async () => {
    const { user, secret } = await enrolled(); // enrolled at step N-1
    const current = await codeAt(secret, clock.ms);
    expect(await consumeTotpCode(user.id, current)).toBe(true);
    expect(await consumeTotpCode(user.id, current)).toBe(false); // replay inside its window
    expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms - 30_000))).toBe(false); // older
    expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms + 30_000))).toBe(false); // forward
    clock.ms += 30_000;
    expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms))).toBe(true); // the next step
  });

  it("one step back is accepted when it is later than the last used step", async () => {
    const { user, secret } = await enrolled(); // last step N-1
    clock.ms += 60_000; // now N+2: N+1 is one back
    expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms - 30_000))).toBe(true);
    expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms - 60_000))).toBe(false); // two back
  });

  it("two concurrent requests with one code: exactly one passes", async () => {
    const { user, secret } = await enrolled();
    const code = await codeAt(secret, clock.ms);
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeTotpCode(user.id, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("key rotation: a secret sealed under an old SESSION_SECRET still verifies and is re-sealed under the newest", async () => {
    const { user, secret } = await enrolled();
    const before = await db().twoFactor.findUniqueOrThrow({ where: { userId: user.id } });
    const { getEnv } = await import("@/lib/env");
    const env = getEnv();
    const old = env.sessionSecrets;
    const newest = "rotated-secret-rotated-secret-rotated-0";
    (env as { sessionSecrets: string[] }).sessionSecrets = [newest, ...old];
    try {
      expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms))).toBe(true);
      const after = await db().twoFactor.findUniqueOrThrow({ where: { userId: user.id } });
      expect(after.keyId).toBe(deriveKey(newest).id);
      expect(after.keyId).not.toBe(before.keyId);
      expect(after.secretSealed).not.toBe(before.secretSealed);
      // Only the new secret left: the re-sealed secret still works.
      (env as { sessionSecrets: string[] }).sessionSecrets = [newest];
      clock.ms += 30_000;
      expect(await consumeTotpCode(user.id, await codeAt(secret, clock.ms))).toBe(true);
    } finally {
      (env as { sessionSecrets: string[] }).sessionSecrets = old;
    }
  });
});

describe("recovery codes", () => {
  it("work once each, in any case and spacing; regenerating kills the old set", async () => {
    const { user, recoveryCodes } = await enrolled();
    const [first, second] = recoveryCodes as [string, string];
    expect(await consumeRecoveryCode(user.id, first.toUpperCase())).toEqual({ left: 9 });
    expect(await consumeRecoveryCode(user.id, first)).toBeNull();
    const rows = await db().recoveryCode.findMany({ where: { userId: user.id } });
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.codeHash))).toBe(true);
    const fresh = (await replaceRecoveryCodes(user.id))!;
    expect(fresh).toHaveLength(10);
    expect(await consumeRecoveryCode(user.id, second)).toBeNull();
    expect(await consumeRecoveryCode(user.id, fresh[0]!)).toEqual({ left: 9 });
  });

  it("two concurrent regenerations leave exactly one set of 10: the other set is dead", async () => {
    const { user } = await enrolled();
    for (let round = 0; round < 5; round++) {
      const sets = await Promise.all([replaceRecoveryCodes(user.id), replaceRecoveryCodes(user.id)]);
      expect(await db().recoveryCode.count({ where: { userId: user.id } })).toBe(10);
      const live = await Promise.all(sets.map(async (set) => (await consumeRecoveryCode(user.id, set![0]!)) !== null));
      expect(live.filter(Boolean)).toHaveLength(1);
    }
  });

  it("two concurrent requests with one recovery code: exactly one passes", async () => {
    const { user, recoveryCodes } = await enrolled();
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeRecoveryCode(user.id, recoveryCodes[0]!)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });
});

describe("pending login challenges", () => {
  it("give at most 5 attempts in all, however many race", async () => {
    const { user } = await enrolled();
    const token = await createChallenge({ userId: user.id, generation: user.sessionGeneration, next: null, remember: true });
    const taken = await Promise.all(Array.from({ length: 12 }, () => takeChallengeAttempt(token)));
    expect(taken.filter((t) => t !== null).map((t) => t!.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await isChallengeLive(token)).toBe(false);
  });

  it("die after 10 minutes and when the user's session generation moves on", async () => {
    const { user } = await enrolled();
    const subject = { userId: user.id, generation: user.sessionGeneration, next: "/settings", remember: false };
    const expiring = await createChallenge(subject);
    const ended = await createChallenge(subject);
    expect(await takeChallengeAttempt(ended)).toMatchObject({ userId: user.id, next: "/settings", remember: false, attempts: 1 });
    await db().user.update({ where: { id: user.id }, data: { sessionGeneration: { increment: 1 } } });
    expect(await takeChallengeAttempt(ended)).toBeNull();
    await db().user.update({ where: { id: user.id }, data: { sessionGeneration: { decrement: 1 } } });
    clock.ms += 10 * 60_000 + 1000;
    expect(await isChallengeLive(expiring)).toBe(false);
    expect(await takeChallengeAttempt(expiring)).toBeNull();
    expect(await takeChallengeAttempt(undefined)).toBeNull();
    expect(await takeChallengeAttempt("not-a-token")).toBeNull();
  });
});
