import { consumeEmailToken, issueEmailToken } from "@/lib/account/tokens";
import type { EmailNotConfigured } from "@/lib/account/verification";
import { recordAuthEvent } from "@/lib/audit";
import { checkCurrentPassword, type RateLimited } from "@/lib/auth/accounts";
import { now } from "@/lib/clock";
import { mailConfigured, sendMail } from "@/lib/mail";
import { mailLink } from "@/lib/mail/links";
import { emailChangeConfirmMessage, emailChangedMessage, emailChangeRequestedMessage } from "@/lib/mail/messages";
import { mailLimits } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { getSessionStore, refreshSessionCache, type CurrentSession, type NewSession } from "@/lib/session";
import { changeUserEmail, isEmailTaken, type PublicUser } from "@/lib/users";

export const CONFIRM_EMAIL_PATH = "/confirm-email";

/**
 * Asks to move the account to `newEmail`: after the current password, a confirmation link goes to
 * the new address and a notice to the old one. Nothing changes until the link is used (SPEC §7).
 */
export async function requestEmailChange(
  current: CurrentSession,
  body: { newEmail: string; currentPassword: string },
  origin: string,
  meta: RequestMeta,
): Promise<{ ok: true } | EmailNotConfigured | RateLimited | { ok: false; reason: "current-password-wrong" | "email-taken" | "email-unchanged" }> {
  if (!mailConfigured()) return { ok: false, reason: "email-not-configured" };
  const checked = await checkCurrentPassword(current.user.id, body.currentPassword, meta);
  if (!checked.ok) return checked;
  if (body.newEmail === checked.user.email) return { ok: false, reason: "email-unchanged" };
  // Each request mails someone and answers whether an address is taken: limited per account,
  // per target address and per IP, so it is neither a mail cannon nor an enumeration oracle.
  const limit = await mailLimits.attempt([checked.user.email, body.newEmail], meta.ip);
  if (!limit.allowed) {
    await recordAuthEvent("RATE_LIMITED", { userId: checked.user.id, meta, detail: { scope: "email-change" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  // SPEC §7 answers 409 for a taken address, as signup does (docs/security.md: the trade-off).
  if (await isEmailTaken(body.newEmail)) return { ok: false, reason: "email-taken" };
  const issued = await issueEmailToken("change-email", { id: checked.user.id }, { newEmail: body.newEmail });
  if (!issued) return { ok: false, reason: "current-password-wrong" };
  void sendMail(emailChangeConfirmMessage(body.newEmail, mailLink(origin, CONFIRM_EMAIL_PATH, { token: issued.token })));
  // The old address hears of it at once: a thief with the password cannot move the account quietly.
  void sendMail(emailChangeRequestedMessage(issued.email, body.newEmail));
  await recordAuthEvent("EMAIL_CHANGE_REQUESTED", { userId: checked.user.id, meta });
  return { ok: true };
}

/**
 * Moves the account to the address the link was sent to. Every session of the user ends but the
 * caller's own, if it is theirs, which gets a fresh one (as "sign out everywhere else" does).
 */
export async function confirmEmailChange(
  token: string,
  caller: CurrentSession | null,
  meta: RequestMeta,
): Promise<{ ok: true; user: PublicUser; newSession: NewSession | null } | { ok: false; reason: "invalid-token" | "email-taken" }> {
  const used = await consumeEmailToken("change-email", token);
  if (!used?.newEmail) return { ok: false, reason: "invalid-token" };
  const changed = await changeUserEmail(used.userId, used.email, used.newEmail, new Date(now()));
  if (!changed.ok) return changed;
  const store = getSessionStore();
  // The caller keeps this device only if it is the owner and its own session is still live at
  // the moment of the write (as "sign out everywhere else"); otherwise every session just ends.
  const own = caller?.user.id === used.userId ? await store.invalidateUserSessions(used.userId, { ifGeneration: caller.generation }) : null;
  if (own === null) await store.invalidateUserSessions(used.userId);
  // The new session keeps the caller's "remember me" choice (own is set only when caller is).
  const newSession = own === null || !caller ? null : await store.createSession({ ...changed.user, generation: own }, meta, { persistent: caller.persistent });
  await refreshSessionCache();
  await recordAuthEvent("EMAIL_CHANGED", { userId: used.userId, meta, detail: newSession ? { sessionId: newSession.session.id } : {} });
  void sendMail(emailChangedMessage(used.email, used.newEmail));
  return { ok: true, user: changed.user, newSession };
}
