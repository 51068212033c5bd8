import { recordAuthEvent } from "@/lib/audit";
import { checkCurrentPassword, type RateLimited } from "@/lib/auth/accounts";
import type { MfaVerifyBody } from "@/lib/auth/schemas";
import { sendMail } from "@/lib/mail";
import { recoveryCodeUsedMessage, twoFactorDisabledMessage, twoFactorEnabledMessage } from "@/lib/mail/messages";
import { twoFactorLimits, underHold } from "@/lib/rate-limit";
import { getSessionStore, type CurrentSession, type NewSession, type RequestMeta } from "@/lib/session";
import {
  CHALLENGE_MAX_ATTEMPTS,
  confirmPendingSetup,
  endChallenge,
  isTwoFactorEnabled,
  removeTwoFactor,
  replaceRecoveryCodes,
  startPendingSetup,
  takeChallengeAttempt,
  consumeRecoveryCode,
  consumeTotpCode,
} from "@/lib/two-factor/store";
import { describeSetup, type PendingTotpSetup } from "@/lib/two-factor/totp";
import { findUserWithHashById, toPublicUser, type PublicUser } from "@/lib/users";

/**
 * The steps of two-factor authentication (SPEC §8), between the routes (app/api/auth/mfa/*) and
 * the tables (lib/two-factor). Every step writes an audit event; no secret, code or token ever
 * goes into one, or into a log line.
 */

type Fail<R extends string> = { ok: false; reason: R; error?: string };
type SessionEnded = Fail<"session-ended">;

/**
 * After a change of an authentication factor, made just before: every session of the user ends
 * and this device gets a new one (ASVS 4.0 3.3.3, which 5.0 extends to any authentication
 * factor), as a password change does. Called after the change, so a refused change signs
 * nobody out. Null when this session was ended meanwhile: then every session is ended once more,
 * including one a racing "sign out everywhere else" kept, since the factor changed after it.
 */
async function rotateSessions(current: CurrentSession, meta: RequestMeta): Promise<NewSession | null> {
  const store = getSessionStore();
  const generation = await store.invalidateUserSessions(current.user.id, { ifGeneration: current.generation });
  if (generation === null) {
    await store.invalidateUserSessions(current.user.id);
    return null;
  }
  return store.createSession({ ...current.user, generation }, meta, { persistent: current.persistent });
}

/**
 * Checks a code under the account's login limit: wrong codes count as failed logins, so someone
 * holding the password (or a stolen session) cannot grind codes (SPEC §8; NIST SP 800-63B §5.2.2).
 * They also count on a key of their own that only a right code clears: a password reset lifts
 * the login lock-out, never this one.
 */
async function underLoginLimit<T>(
  user: { id: string; email: string },
  meta: RequestMeta,
  scope: "totp" | "recovery-code" | "disable" | "regenerate",
  check: () => Promise<T | null>,
): Promise<{ ok: true; value: T } | RateLimited | { ok: false; reason: "wrong" }> {
  const attempt = await twoFactorLimits.attempt(user.id, user.email, meta.ip);
  if (!attempt.allowed) {
    await recordAuthEvent("RATE_LIMITED", { userId: user.id, meta, detail: { scope: "two-factor" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: attempt.retryAfterSeconds };
  }
  const value = await underHold(attempt, check);
  if (value === null) {
    await twoFactorLimits.failed(attempt);
    // Which step the wrong code was for; never the code itself.
    await recordAuthEvent("MFA_CHALLENGE_FAILED", { userId: user.id, meta, detail: { scope } });
    return { ok: false, reason: "wrong" };
  }
  await twoFactorLimits.succeeded(user.id, user.email, attempt);
  return { ok: true, value };
}

/** A TOTP code by its shape (six digits, spaces ignored); anything else is tried as a recovery code. */
function isTotpShaped(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ""));
}

async function consumeEitherCode(userId: string, code: string): Promise<{ kind: "totp" } | { kind: "recovery-code"; left: number } | null> {
  if (isTotpShaped(code)) return (await consumeTotpCode(userId, code.replace(/\s/g, ""))) ? { kind: "totp" } : null;
  const used = await consumeRecoveryCode(userId, code);
  return used && { kind: "recovery-code", left: used.left };
}

/** Password re-entry, then a new secret to scan; nothing is active until a code confirms it. */
export async function startTotpSetup(
  current: CurrentSession,
  currentPassword: string,
  meta: RequestMeta,
): Promise<{ ok: true; setup: PendingTotpSetup } | RateLimited | Fail<"current-password-wrong" | "two-factor-already-on">> {
  const checked = await checkCurrentPassword(current.user.id, currentPassword, meta);
  if (!checked.ok) return checked;
  const secret = await startPendingSetup(current.user.id);
  if (secret === null) return { ok: false, reason: "two-factor-already-on" };
  await recordAuthEvent("MFA_SETUP_STARTED", { userId: current.user.id, meta });
  return { ok: true, setup: await describeSetup(secret, checked.user.email) };
}

/**
 * New recovery codes and this device's new session; `newSession` is null when this session was
 * ended meanwhile: the codes are shown all the same (this request proved a current code, and
 * codes nobody saw would leave the account without any), and the browser is signed out.
 */
export type CodesIssued = { ok: true; recoveryCodes: string[]; newSession: NewSession | null };

/**
 * Confirms the setup with a code from the app: TOTP is on, and the 10 recovery codes are returned
 * once. A new factor: every other session ends and this one is renewed.
 */
export async function enableTotp(current: CurrentSession, code: string, meta: RequestMeta): Promise<CodesIssued | Fail<"mfa-code-invalid">> {
  const codes = await confirmPendingSetup(current.user.id, code);
  if (codes === null) {
    // Which step; never the code. Not counted toward the login limit: the caller holds the secret.
    await recordAuthEvent("MFA_CHALLENGE_FAILED", { userId: current.user.id, meta, detail: { scope: "enable" } });
    // One answer for a wrong code and for no setup in progress (SPEC §8: both 400).
    return { ok: false, reason: "mfa-code-invalid", error: "mfa-code-or-setup-invalid" };
  }
  const newSession = await rotateSessions(current, meta);
  await recordAuthEvent("MFA_ENABLED", { userId: current.user.id, meta, detail: newSession ? { sessionId: newSession.session.id } : {} });
  void sendMail(twoFactorEnabledMessage(current.user.email));
  return { ok: true, recoveryCodes: codes, newSession };
}

/**
 * A new set of recovery codes for a current authenticator code; the old set dies, and so does
 * every other session (SPEC §8).
 */
export async function regenerateRecoveryCodes(
  current: CurrentSession,
  code: string,
  meta: RequestMeta,
): Promise<CodesIssued | RateLimited | Fail<"mfa-code-invalid" | "two-factor-off">> {
  const { user } = current;
  if (!(await isTwoFactorEnabled(user.id))) return { ok: false, reason: "two-factor-off" };
  const checked = await underLoginLimit(user, meta, "regenerate", async () => ((await consumeTotpCode(user.id, code)) ? true : null));
  if (!checked.ok) return checked.reason === "wrong" ? { ok: false, reason: "mfa-code-invalid" } : checked;
  // The codes first: turned off meanwhile, nothing is replaced and nobody is signed out.
  const codes = await replaceRecoveryCodes(user.id);
  if (codes === null) return { ok: false, reason: "two-factor-off" };
  const newSession = await rotateSessions(current, meta);
  await recordAuthEvent("MFA_RECOVERY_CODES_REGENERATED", { userId: user.id, meta, detail: newSession ? { sessionId: newSession.session.id } : {} });
  return { ok: true, recoveryCodes: codes, newSession };
}

/**
 * Turns TOTP off after the password and a code (or a recovery code): secret, codes and pending
 * challenges go, every other session ends, this device gets a new one; the owner is told.
 */
export async function disableTotp(
  current: CurrentSession,
  body: { currentPassword: string; code: string },
  meta: RequestMeta,
): Promise<{ ok: true; user: PublicUser; newSession: NewSession } | RateLimited | SessionEnded | Fail<"current-password-wrong" | "mfa-code-invalid" | "two-factor-off">> {
  const { user } = current;
  const checked = await checkCurrentPassword(user.id, body.currentPassword, meta);
  if (!checked.ok) return checked;
  if (!(await isTwoFactorEnabled(user.id))) return { ok: false, reason: "two-factor-off" };
  const code = await underLoginLimit(user, meta, "disable", () => consumeEitherCode(user.id, body.code));
  if (!code.ok) return code.reason === "wrong" ? { ok: false, reason: "mfa-code-invalid" } : code;
  const byRecoveryCode = code.value.kind === "recovery-code";
  // Used up whatever happens next, so audited as every use is (SPEC §8).
  if (byRecoveryCode) await recordAuthEvent("MFA_RECOVERY_CODE_USED", { userId: user.id, meta, detail: { scope: "disable" } });
  // Secret, codes and challenges go; turned off meanwhile by another request, that one rotated.
  if (!(await removeTwoFactor(user.id))) return { ok: false, reason: "two-factor-off" };
  // Moving the session generation on also kills every pending challenge (SPEC §8).
  const newSession = await rotateSessions(current, meta);
  // Off from here, even if this device's new session was ended meanwhile: recorded and told either way.
  const session = newSession ? { sessionId: newSession.session.id } : {};
  await recordAuthEvent("MFA_DISABLED", { userId: user.id, meta, detail: { ...session, scope: code.value.kind } });
  void sendMail(twoFactorDisabledMessage(checked.user.email, { byRecoveryCode }));
  if (!newSession) return { ok: false, reason: "session-ended" };
  return { ok: true, user, newSession };
}

/**
 * Ends the pending challenge this browser holds, if any: on logout, on a sign-in that did not go
 * through it, and when a new login's challenge replaces it. A challenge left alive would let a
 * copy of its cookie finish a login the user walked away from (its cookie is cleared with it).
 */
export async function endPendingChallenge(token: string | undefined): Promise<void> {
  if (token) await endChallenge(token);
}

export type ChallengeVerified = { ok: true; user: PublicUser; newSession: NewSession; next: string | undefined };

/**
 * The second step of a login: the pending challenge (the mfa cookie's token) and a TOTP code or a
 * recovery code. Success ends the challenge and whatever session the browser held, and starts a
 * new session with the login's "remember me" (no fixation, SPEC §2).
 */
export async function verifyChallenge(
  token: string | undefined,
  body: MfaVerifyBody,
  meta: RequestMeta,
  previousCookie: string | undefined,
): Promise<ChallengeVerified | RateLimited | Fail<"mfa-challenge-ended" | "mfa-code-wrong">> {
  if (token === undefined) return { ok: false, reason: "mfa-challenge-ended" };
  // One attempt of the challenge is taken before the code is checked: 5 in all, however many race.
  const challenge = await takeChallengeAttempt(token);
  if (!challenge) return { ok: false, reason: "mfa-challenge-ended" };
  const { userId } = challenge;
  const kind = body.code !== undefined ? "totp" : "recovery-code";
  const checked = await underLoginLimit({ id: userId, email: challenge.email }, meta, kind, async () =>
    body.code !== undefined ? ((await consumeTotpCode(userId, body.code)) ? { left: null } : null) : consumeRecoveryCode(userId, body.recoveryCode ?? ""),
  );
  if (!checked.ok) {
    if (checked.reason === "rate-limited") return checked;
    if (challenge.attempts >= CHALLENGE_MAX_ATTEMPTS) {
      await endChallenge(token);
      return { ok: false, reason: "mfa-challenge-ended", error: "mfa-too-many-attempts" };
    }
    return { ok: false, reason: "mfa-code-wrong" };
  }
  // Of two requests that both passed (a TOTP code and a recovery code at once), one ends it.
  if (!(await endChallenge(token))) return { ok: false, reason: "mfa-challenge-ended" };
  const found = await findUserWithHashById(userId);
  if (!found) return { ok: false, reason: "mfa-challenge-ended" };
  const user = toPublicUser(found);
  const store = getSessionStore();
  if (previousCookie) await store.invalidateSession(previousCookie);
  // Under the generation of the login: a logout-all, password change or two-factor reset since then refuses it.
  const newSession = await store.createSession({ ...user, generation: challenge.generation }, meta, { persistent: challenge.remember });
  if (!newSession) return { ok: false, reason: "mfa-challenge-ended" };
  await recordAuthEvent("LOGIN_SUCCESS", { userId, meta, detail: { sessionId: newSession.session.id, scope: kind } });
  if (checked.value.left !== null) {
    await recordAuthEvent("MFA_RECOVERY_CODE_USED", { userId, meta, detail: { sessionId: newSession.session.id } });
    void sendMail(recoveryCodeUsedMessage(user.email, checked.value.left));
  }
  return { ok: true, user, newSession, next: challenge.next ?? undefined };
}

/**
 * An admin turns a user's two-factor off (a lost device): every session and challenge of theirs
 * ends, the event is audited with who did it, and the user is told. Never the admin's own: that
 * is the normal disable, with the password and a code, or a stolen admin session could strip the
 * admin's second factor without either.
 */
export async function resetTwoFactorByAdmin(
  userId: string,
  actor: { id: string; meta?: RequestMeta },
): Promise<{ ok: true } | Fail<"user-not-found" | "two-factor-own-account" | "two-factor-off">> {
  if (userId === actor.id) return { ok: false, reason: "two-factor-own-account" };
  const user = await findUserWithHashById(userId);
  if (!user) return { ok: false, reason: "user-not-found" };
  // Said as it is: nothing was on, so nothing was turned off (and nobody is told or signed out).
  if (!(await removeTwoFactor(userId))) return { ok: false, reason: "two-factor-off" };
  // Sessions made while two-factor guarded the account end with it, as for a role change.
  await getSessionStore().invalidateUserSessions(userId);
  await recordAuthEvent("MFA_RESET_BY_ADMIN", { userId, meta: actor.meta, detail: { by: actor.id } });
  void sendMail(twoFactorDisabledMessage(user.email));
  return { ok: true };
}
