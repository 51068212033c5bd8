import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { LoginBody, PasswordChangeBody, SignupBody } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
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

export async function signup(
  body: SignupBody,
  meta: RequestMeta,
): Promise<SignedIn | { ok: false; reason: "email-taken" }> {
  const { bcryptCost } = getEnv();
  const created = await createUser({
    email: body.email,
    name: body.name,
    passwordHash: await hashPassword(body.password, bcryptCost),
  });
  if (!created.ok) return created;
  const newSession = await getSessionStore().createSession(created.user, meta);
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
): Promise<SignedIn | { ok: false; reason: "invalid-credentials" }> {
  const { bcryptCost } = getEnv();
  const user = await findUserWithHashByEmail(body.email);
  const valid = await verifyPassword(body.password, user?.passwordHash ?? null, bcryptCost);
  if (!user || !valid) return { ok: false, reason: "invalid-credentials" };
  const store = getSessionStore();
  if (previousCookie) await store.invalidateSession(previousCookie);
  const publicUser = toPublicUser(user);
  const newSession = await store.createSession(publicUser, meta);
  return { ok: true, user: publicUser, newSession };
}

/** Ends the session for good, server-side; idempotent. */
export async function logout(cookieValue: string | undefined): Promise<void> {
  if (cookieValue) await getSessionStore().invalidateSession(cookieValue);
}

/**
 * Changes the password after checking the current one, ends every session of the user (a thief
 * holding a cookie is out) and gives this device a fresh one (ASVS 3.3.3).
 */
export async function changePassword(
  userId: string,
  body: PasswordChangeBody,
  meta: RequestMeta,
): Promise<SignedIn | { ok: false; reason: "current-password-wrong" }> {
  const { bcryptCost } = getEnv();
  const user = await findUserWithHashById(userId);
  if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash, bcryptCost))) {
    return { ok: false, reason: "current-password-wrong" };
  }
  await updatePasswordHash(user.id, await hashPassword(body.newPassword, bcryptCost));
  const store = getSessionStore();
  await store.invalidateUserSessions(user.id);
  const publicUser = toPublicUser(user);
  return { ok: true, user: publicUser, newSession: await store.createSession(publicUser, meta) };
}
