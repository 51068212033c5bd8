import { recordAuthEvent } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { LoginBody, PasswordChangeBody, SignupBody } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { loginLimits, passwordChangeLimits, signupLimits } from "@/lib/rate-limit";
import { getSessionStore, type NewSession, type RequestMeta } from "@/lib/session";
import {
  createUser,
  findUserWithHashByEmail,
  findUserWithHashById,
  toPublicUser,
  updatePasswordHash,
  type PublicUser,
} from "@/lib/users";

export type SignedIn = { ok: true; user: PublicUser; newSession: NewSession };
export type RateLimited = { ok: false; reason: "rate-limited"; retryAfterSeconds: number };

export async function signup(
  body: SignupBody,
  meta: RequestMeta,
): Promise<SignedIn | RateLimited | { ok: false; reason: "email-taken" }> {
  const { bcryptCost } = getEnv();
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
  const newSession = await getSessionStore().createSession(created.user, meta);
  await recordAuthEvent("SIGNUP", { userId: created.user.id, meta, detail: { sessionId: newSession.session.id } });
  return { ok: true, user: created.user, newSession };
}

/**
 * `previousCookie` is whatever session this browser held: it is ended, and the login always
 * starts a fresh session with a fresh token, so a planted cookie is never promoted (no fixation).
 */
export async function login(
  body: LoginBody,
  meta: RequestMeta,
  previousCookie: string | undefined,
): Promise<SignedIn | RateLimited | { ok: false; reason: "invalid-credentials" }> {
  const { bcryptCost } = getEnv();
  // Checked before any password work: a locked-out account costs an attacker nothing to probe,
  // and us no bcrypt. Unknown emails are counted exactly like known ones (no enumeration).
  const limit = await loginLimits.check(body.email, meta.ip);
  if (!limit.allowed) {
    const known = await findUserWithHashByEmail(body.email);
    await recordAuthEvent("RATE_LIMITED", { userId: known?.id, meta, detail: { scope: "login" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const user = await findUserWithHashByEmail(body.email);
  const valid = await verifyPassword(body.password, user?.passwordHash ?? null, bcryptCost);
  if (!user || !valid) {
    await loginLimits.failed(body.email, meta.ip);
    await recordAuthEvent("LOGIN_FAILURE", { userId: user?.id, meta });
    return { ok: false, reason: "invalid-credentials" };
  }
  await loginLimits.succeeded(body.email);
  const store = getSessionStore();
  if (previousCookie) await store.invalidateSession(previousCookie);
  const publicUser = toPublicUser(user);
  const newSession = await store.createSession(publicUser, meta);
  await recordAuthEvent("LOGIN_SUCCESS", { userId: user.id, meta, detail: { sessionId: newSession.session.id } });
  return { ok: true, user: publicUser, newSession };
}

/** Ends the session for good, server-side; idempotent. */
export async function logout(cookieValue: string | undefined, meta: RequestMeta): Promise<void> {
  const ended = cookieValue ? await getSessionStore().invalidateSession(cookieValue) : null;
  if (ended) await recordAuthEvent("LOGOUT", { userId: ended.userId, meta, detail: { sessionId: ended.sessionId } });
}

/**
 * Changes the password after checking the current one, ends every session of the user (a thief
 * holding a cookie is out) and gives this device a fresh one (ASVS 3.3.3).
 */
export async function changePassword(
  userId: string,
  body: PasswordChangeBody,
  meta: RequestMeta,
): Promise<SignedIn | RateLimited | { ok: false; reason: "current-password-wrong" }> {
  const { bcryptCost } = getEnv();
  // A stolen session must not become a way to guess the password behind it.
  const limit = await passwordChangeLimits.check(userId, meta.ip);
  if (!limit.allowed) {
    await recordAuthEvent("RATE_LIMITED", { userId, meta, detail: { scope: "password" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const user = await findUserWithHashById(userId);
  if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash, bcryptCost))) {
    await passwordChangeLimits.failed(userId, meta.ip);
    return { ok: false, reason: "current-password-wrong" };
  }
  await updatePasswordHash(user.id, await hashPassword(body.newPassword, bcryptCost));
  const store = getSessionStore();
  await store.invalidateUserSessions(user.id);
  const publicUser = toPublicUser(user);
  const newSession = await store.createSession(publicUser, meta);
  await recordAuthEvent("PASSWORD_CHANGED", { userId: user.id, meta, detail: { sessionId: newSession.session.id } });
  return { ok: true, user: publicUser, newSession };
}
