import { generate } from "otplib";
import { describe, expect, it, vi } from "vitest";
import { createTestUser } from "@/tests/support/users";
import { useTestDatabase } from "@/tests/support/vitest-database";

// The order of lib/auth/two-factor.ts's steps where another request can land in between: a change
// of a factor comes before the sessions are rotated, so a refused change signs nobody out, and
// new codes are shown even when this session was ended meanwhile. Races are set up by hand.

const clock = vi.hoisted(() => ({ ms: Date.UTC(2026, 10, 30, 12, 0, 10) }));
vi.mock("@/lib/clock", () => ({ now: () => clock.ms }));
// No mail server here; what is mailed is tested against a real one in tests/api.
vi.mock("@/lib/mail", () => ({ sendMail: vi.fn(async () => undefined) }));
// The real store, with one function a test can make answer "two-factor was turned off meanwhile".
vi.mock("@/lib/two-factor/store", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/two-factor/store")>();
  return { ...actual, replaceRecoveryCodes: vi.fn(actual.replaceRecoveryCodes) };
});

const store = await import("@/lib/two-factor/store");
const { regenerateRecoveryCodes } = await import("@/lib/auth/two-factor");
const { getSessionStore } = await import("@/lib/session");
const { findUserWithHashById, toPublicUser } = await import("@/lib/users");

const db = useTestDatabase("unit_two_factor_steps", { asAppDatabase: true });
const meta = { userAgent: "vitest", ip: null };
const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

/** A user with TOTP on, signed in on two devices; `current` is the first one's session. */
async function enrolledOnTwoDevices() {
  const created = await createTestUser(db());
  const secret = (await store.startPendingSetup(created.id))!;
  const recoveryCodes = (await store.confirmPendingSetup(created.id, await codeAt(secret, clock.ms - 30_000)))!;
  const row = (await findUserWithHashById(created.id))!;
  const user = toPublicUser(row);
  const sessions = getSessionStore();
  const subject = { ...user, generation: row.sessionGeneration };
  const [mine, other] = [await sessions.createSession(subject, meta, { persistent: true }), await sessions.createSession(subject, meta, { persistent: true })];
  const current = { user, session: mine!.session, generation: row.sessionGeneration, persistent: true };
  const alive = async (cookie: { cookieValue: string }) => (await sessions.validateSession(cookie.cookieValue, { checkRevocation: true })) !== null;
  return { user, secret, recoveryCodes, current, mine: mine!, other: other!, alive };
}

describe("regenerating recovery codes", () => {
  it("turned off between the code check and the new set: 400, and nobody is signed out", async () => {
    const { secret, current, mine, other, alive } = await enrolledOnTwoDevices();
    vi.mocked(store.replaceRecoveryCodes).mockResolvedValueOnce(null);
    const result = await regenerateRecoveryCodes(current, await codeAt(secret, clock.ms), meta);
    expect(result).toEqual({ ok: false, reason: "two-factor-off" });
    expect(await alive(mine)).toBe(true);
    expect(await alive(other)).toBe(true);
  });

  it("this session ended meanwhile: the new codes are still shown, and no session survives", async () => {
    const { user, secret, recoveryCodes, current, mine, other, alive } = await enrolledOnTwoDevices();
    // Another device's "sign out everywhere" lands after this request was authenticated.
    await getSessionStore().invalidateUserSessions(user.id);
    const result = await regenerateRecoveryCodes(current, await codeAt(secret, clock.ms), meta);
    if (!result.ok) throw new Error(`expected new codes, got ${result.reason}`);
    expect(result.newSession).toBeNull();
    expect(result.recoveryCodes).toHaveLength(10);
    // The shown set is the stored one; the old set is dead.
    expect(await store.consumeRecoveryCode(user.id, recoveryCodes[0]!)).toBeNull();
    expect(await store.consumeRecoveryCode(user.id, result.recoveryCodes[0]!)).toEqual({ left: 9 });
    expect(await alive(mine)).toBe(false);
    expect(await alive(other)).toBe(false);
  });

  it("otherwise: the set is replaced, every other session ends, this device gets a new one", async () => {
    const { user, secret, current, mine, other, alive } = await enrolledOnTwoDevices();
    const result = await regenerateRecoveryCodes(current, await codeAt(secret, clock.ms), meta);
    if (!result.ok) throw new Error(`expected new codes, got ${result.reason}`);
    expect(result.newSession).not.toBeNull();
    expect(await alive(result.newSession!)).toBe(true);
    expect(await alive(mine)).toBe(false);
    expect(await alive(other)).toBe(false);
    expect(await store.consumeRecoveryCode(user.id, result.recoveryCodes[1]!)).toEqual({ left: 9 });
  });
});
