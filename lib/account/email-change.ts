import { consumeEmailToken, issueEmailToken } from "@/lib/account/tokens";
import type { EmailNotConfigured } from "@/lib/account/verification";
import { recordAuthEvent } from "@/lib/audit";
import { checkCurrentPassword, type RateLimited } from "@/lib/auth/accounts";
import { now } from "@/lib/clock";
import { mailConfigured, sendMail } from "@/lib/mail";
import { mailLink } from "@/lib/mail/links";
import { emailChangeConfirmMessage, emailChangedMessage, emailChangeRequestedMessage } from "@/lib/mail/messages";
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
  // SPEC §7 answers 409 for a taken address, as signup does (README "Security": the trade-off).
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
  const generation = await store.invalidateUserSessions(used.userId);
  const keep = caller?.user.id === used.userId && generation !== null;
  const newSession = keep ? await store.createSession({ ...changed.user, generation }, meta) : null;
  await refreshSessionCache();
  await recordAuthEvent("EMAIL_CHANGED", { userId: used.userId, meta, detail: newSession ? { sessionId: newSession.session.id } : {} });
  void sendMail(emailChangedMessage(used.email, used.newEmail));
  return { ok: true, user: changed.user, newSession };
}
