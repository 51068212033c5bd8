import { sendVerificationLink } from "@/lib/account/verification";
import { recordAuthEvent } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { LoginBody, PasswordChangeBody, SignupBody } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { sendMail } from "@/lib/mail";
import { passwordChangedMessage } from "@/lib/mail/messages";
import { loginLimits, mailLimits, passwordChangeLimits, signupLimits, underHold } from "@/lib/rate-limit";
import { getSessionStore, type CurrentSession, type NewSession, type RequestMeta } from "@/lib/session";
import { createChallenge, isTwoFactorEnabled } from "@/lib/two-factor/store";
import {
  createUser,
  findUserWithHashByEmail,
  findUserWithHashById,
  toPublicUser,
  type PublicUser,
} from "@/lib/users";

export type SignedIn = { ok: true; user: PublicUser; newSession: NewSession };
/**
 * The password was right and the account has two-factor on (SPEC §8): no session yet, only a
 * pending challenge, whose token goes into the challenge cookie.
 */
export type MfaRequired = { ok: true; mfaRequired: true; challengeToken: string };
/** Signed up, but REQUIRE_EMAIL_VERIFICATION holds the first session until the address is verified. */
export type AwaitingVerification = { ok: true; user: PublicUser; newSession: null };
export type RateLimited = { ok: false; reason: "rate-limited"; retryAfterSeconds: number };
/** Every session of the account was ended again and again while this login tried to create one. */
export type SessionsChurning = { ok: false; reason: "sessions-churning"; retryAfterSeconds: number };

// A login whose password check raced an "end all sessions" that left the password as it was
// checks the generation again; a few rounds, then it gives up (fail closed) rather than loop.
const LOGIN_SESSION_TRIES = 3;

export async function signup(
  body: SignupBody,
  meta: RequestMeta,
  origin: string,
): Promise<SignedIn | AwaitingVerification | RateLimited | { ok: false; reason: "email-taken" }> {
  const { bcryptCost, requireEmailVerification } = getEnv();
  const limit = await signupLimits.attempt(meta.ip);
  if (!limit.allowed) {
    await recordAuthEvent("RATE_LIMITED", { meta, detail: { scope: "signup" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const created = await createUser({
    email: body.email,
    name: body.name,
    passwordHash: await hashPassword(body.password, bcryptCost),
  });
  if (!created.ok) return created;
  // Sign-in waits for the address to be proved (REQUIRE_EMAIL_VERIFICATION): no session now, or
  // anyone could use an address they do not own until the session expired.
  if (requireEmailVerification) {
    await recordAuthEvent("SIGNUP", { userId: created.user.id, meta });
    await sendVerificationLink(created.user.id, origin, meta);
    return { ok: true, user: created.user, newSession: null };
  }
  // Signup asks no "remember me": its first session is persistent, as every session was before.
  const newSession = await getSessionStore().createSession({ ...created.user, generation: created.generation }, meta, { persistent: true });
  // Only an admin ending every session of an account created a moment ago gets here.
  if (!newSession) throw new Error("signup: the new account's sessions were ended before its first one was created");
  await recordAuthEvent("SIGNUP", { userId: created.user.id, meta, detail: { sessionId: newSession.session.id } });
  await sendVerificationLink(created.user.id, origin, meta);
  return { ok: true, user: created.user, newSession };
}

/**
 * `previousCookie` is whatever session this browser held: it is ended, and the login always
 * starts a fresh session with a fresh token, so a planted cookie is never promoted (no fixation).
 * With two-factor on, the login stops at a pending challenge and leaves that session alone, as a
 * failed login does: only the verified challenge (lib/auth/two-factor.ts) ends it. `next` is where
 * the login was heading (the form's query), kept with the challenge.
 */
export async function login(
  body: LoginBody,
  meta: RequestMeta,
  previousCookie: string | undefined,
  origin: string,
  next?: string,
): Promise<SignedIn | MfaRequired | RateLimited | SessionsChurning | { ok: false; reason: "invalid-credentials" | "email-unverified" }> {
  const { bcryptCost, requireEmailVerification } = getEnv();
  // Counted before any password work, and atomically: parallel guesses cannot all slip past a
  // check that only reads. Unknown emails are counted exactly like known ones (no enumeration).
  const attempt = await loginLimits.attempt(body.email, meta.ip);
  if (!attempt.allowed) {
    const known = await findUserWithHashByEmail(body.email);
    await recordAuthEvent("RATE_LIMITED", { userId: known?.id, meta, detail: { scope: "login" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: attempt.retryAfterSeconds };
  }
  const checked = await underHold(attempt, async () => {
    const found = await findUserWithHashByEmail(body.email);
    const valid = await verifyPassword(body.password, found?.passwordHash ?? null, bcryptCost);
    return { user: found, valid, twoFactor: found !== null && valid && (await isTwoFactorEnabled(found.id)) };
  });
  let { user } = checked;
  if (!user || !checked.valid) {
    await loginLimits.failed(attempt);
    await recordAuthEvent("LOGIN_FAILURE", { userId: user?.id, meta });
    return { ok: false, reason: "invalid-credentials" };
  }
  // With a second factor due, the account's failures are not forgiven yet: wrong codes add to them,
  // and a right password must not wipe them between challenges (SPEC §8, NIST SP 800-63B §5.2.2).
  if (checked.twoFactor) await loginLimits.passedFirstFactor(attempt);
  else await loginLimits.succeeded(body.email, attempt);
  // Only after the password was right, so the answer tells a stranger nothing (SPEC §7). The owner
  // gets a fresh link (at most as often as the mail limit allows): signing in again resends it.
  if (requireEmailVerification && user.emailVerifiedAt === null) {
    if ((await mailLimits.attempt(user.email, meta.ip)).allowed) await sendVerificationLink(user.id, origin, meta);
    await recordAuthEvent("LOGIN_FAILURE", { userId: user.id, meta, detail: { scope: "email-unverified" } });
    return { ok: false, reason: "email-unverified" };
  }
  if (checked.twoFactor) {
    const challengeToken = await createChallenge({
      userId: user.id,
      // A logout-all, password change or reset, or two-factor turned off moves it on: the challenge dies.
      generation: user.sessionGeneration,
      next: body.next ?? next ?? null,
      remember: body.remember,
    });
    await recordAuthEvent("MFA_CHALLENGE_STARTED", { userId: user.id, meta });
    return { ok: true, mfaRequired: true, challengeToken };
  }
  const store = getSessionStore();
  if (previousCookie) await store.invalidateSession(previousCookie);
  const checkedHash = user.passwordHash;
  for (let tries = 0; tries < LOGIN_SESSION_TRIES; tries++) {
    // Created only under the generation read with the password: a password change or "sign out
    // everywhere" that landed meanwhile ends it first or makes this insert refuse.
    const publicUser = toPublicUser(user);
    const newSession = await store.createSession({ ...publicUser, generation: user.sessionGeneration }, meta, { persistent: body.remember });
    if (newSession) {
      await recordAuthEvent("LOGIN_SUCCESS", { userId: user.id, meta, detail: { sessionId: newSession.session.id } });
      return { ok: true, user: publicUser, newSession };
    }
    // Sessions were ended meanwhile. If the password is the one just checked, try again under the
    // new generation (and the role as it is now); if it changed, what this request proved is no
    // longer the password.
    const reread = await findUserWithHashByEmail(body.email);
    if (!reread || reread.passwordHash !== checkedHash) {
      await recordAuthEvent("LOGIN_FAILURE", { userId: user.id, meta });
      return { ok: false, reason: "invalid-credentials" };
    }
    user = reread;
  }
  // The password was right, but every session of the account keeps being ended (someone holding a
  // session is looping "sign out everywhere"): a retryable answer, never "wrong password".
  return { ok: false, reason: "sessions-churning", retryAfterSeconds: 1 };
}

/** Ends the session for good, server-side; idempotent. */
export async function logout(cookieValue: string | undefined, meta: RequestMeta): Promise<void> {
  const ended = cookieValue ? await getSessionStore().invalidateSession(cookieValue) : null;
  if (ended) await recordAuthEvent("LOGOUT", { userId: ended.userId, meta, detail: { sessionId: ended.sessionId } });
}

type UserWithHash = NonNullable<Awaited<ReturnType<typeof findUserWithHashById>>>;

/**
 * The signed-in user's current password, checked before a sensitive change (password, email).
 * A stolen session must not become a way to guess the password behind it: counted before bcrypt
 * so that parallel guesses cannot pass together (ASVS 2.2.1).
 */
export async function checkCurrentPassword(
  userId: string,
  password: string,
  meta: RequestMeta,
): Promise<{ ok: true; user: UserWithHash } | RateLimited | { ok: false; reason: "current-password-wrong" }> {
  const { bcryptCost } = getEnv();
  const attempt = await passwordChangeLimits.attempt(userId, meta.ip);
  if (!attempt.allowed) {
    await recordAuthEvent("RATE_LIMITED", { userId, meta, detail: { scope: "password" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: attempt.retryAfterSeconds };
  }
  const { user, valid } = await underHold(attempt, async () => {
    const found = await findUserWithHashById(userId);
    return { user: found, valid: found !== null && (await verifyPassword(password, found.passwordHash, bcryptCost)) };
  });
  if (!user || !valid) {
    await passwordChangeLimits.failed(attempt);
    return { ok: false, reason: "current-password-wrong" };
  }
  await passwordChangeLimits.succeeded(attempt);
  return { ok: true, user };
}

/**
 * Changes the password after checking the current one, ends every session of the user (a thief
 * holding a cookie is out) and gives this device a fresh one (ASVS 3.3.3).
 */
export async function changePassword(
  current: CurrentSession,
  body: PasswordChangeBody,
  meta: RequestMeta,
): Promise<SignedIn | RateLimited | { ok: false; reason: "current-password-wrong" | "password-changed-signed-out" }> {
  const checked = await checkCurrentPassword(current.user.id, body.currentPassword, meta);
  if (!checked.ok) return checked;
  const { user } = checked;
  const newHash = await hashPassword(body.newPassword, getEnv().bcryptCost);
  const store = getSessionStore();
  // The new hash and the end of every session are one write, made only while the password is the
  // one just checked (ASVS 3.3.3). Whoever proved it may change it even if a thief's "sign out
  // everywhere" ended this session meanwhile: that is how the owner gets a stolen session out.
  const generation = await store.invalidateUserSessions(user.id, { ifPasswordHash: user.passwordHash, newPasswordHash: newHash });
  if (generation === null) return { ok: false, reason: "current-password-wrong" };
  const publicUser = toPublicUser(user);
  // This device's new session keeps its "remember me" choice.
  const newSession = await store.createSession({ ...publicUser, generation }, meta, { persistent: current.persistent });
  await recordAuthEvent("PASSWORD_CHANGED", { userId: user.id, meta, detail: newSession ? { sessionId: newSession.session.id } : {} });
  // The owner hears of it at the address on file: a change they did not make is a stolen session.
  void sendMail(passwordChangedMessage(user.email));
  // Changed, but every session was ended once more before this device's new one was made.
  if (!newSession) return { ok: false, reason: "password-changed-signed-out" };
  return { ok: true, user: publicUser, newSession };
}
