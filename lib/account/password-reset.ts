import { consumeEmailToken, isUsableEmailToken, issueEmailToken } from "@/lib/account/tokens";
import type { EmailNotConfigured, MailRateLimited } from "@/lib/account/verification";
import { recordAuthEvent } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { afterResponse } from "@/lib/after-response";
import { now } from "@/lib/clock";
import { getEnv } from "@/lib/env";
import { mailConfigured, sendMail } from "@/lib/mail";
import { mailLink } from "@/lib/mail/links";
import { passwordResetDoneMessage, passwordResetMessage } from "@/lib/mail/messages";
import { loginLimits, mailLimits } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { getSessionStore } from "@/lib/session";
import { markEmailVerified } from "@/lib/users";

export const RESET_PASSWORD_PATH = "/reset-password";

/**
 * "Forgot password": the same answer, after the same work, whether or not the address has an
 * account; mail goes only to an existing one (SPEC §7, OWASP Forgot Password Cheat Sheet). Before
 * the answer only the rate limits run; the token (one statement that inserts nothing for an
 * unknown address), the audit event and the mail all happen after it, so neither a database
 * write nor a slow SMTP server shows in the answer's time.
 */
export async function requestPasswordReset(
  email: string,
  origin: string,
  meta: RequestMeta,
): Promise<{ ok: true } | EmailNotConfigured | MailRateLimited> {
  if (!mailConfigured()) return { ok: false, reason: "email-not-configured" };
  const limit = await mailLimits.attempt(email, meta.ip);
  if (!limit.allowed) {
    await recordAuthEvent("RATE_LIMITED", { meta, detail: { scope: "password-reset" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  await afterResponse("password reset request", async () => {
    const issued = await issueEmailToken("reset-password", { email });
    // Recorded for unknown addresses too (no account): probing shows in the audit log.
    await recordAuthEvent("PASSWORD_RESET_REQUESTED", { userId: issued?.userId ?? null, meta });
    if (issued) await sendMail(passwordResetMessage(issued.email, mailLink(origin, RESET_PASSWORD_PATH, { token: issued.token })));
  });
  return { ok: true };
}

/**
 * Sets a new password from a reset link: every session of the user ends and none is created —
 * the user signs in again, through every check login has (SPEC §7).
 */
export async function resetPassword(
  body: { token: string; newPassword: string },
  meta: RequestMeta,
): Promise<{ ok: true } | { ok: false; reason: "invalid-token" }> {
  // Checked before bcrypt, so a flood of made-up tokens costs a lookup each, not a hash.
  if (!(await isUsableEmailToken("reset-password", body.token))) return { ok: false, reason: "invalid-token" };
  const newHash = await hashPassword(body.newPassword, getEnv().bcryptCost);
  const used = await consumeEmailToken("reset-password", body.token);
  if (!used) return { ok: false, reason: "invalid-token" };
  // One conditional write: the new hash and the end of every session, only while the password
  // is the one the link was issued under (a change meanwhile killed the link).
  const generation = await getSessionStore().invalidateUserSessions(used.userId, { ifPasswordHash: used.passwordHash, newPasswordHash: newHash });
  if (generation === null) return { ok: false, reason: "invalid-token" };
  // Whoever reset it owns the address: a lock-out a password guesser caused is lifted, and the
  // address counts as verified (the link proved the mailbox).
  await loginLimits.forgive(used.email);
  await markEmailVerified(used.userId, used.email, new Date(now()));
  await recordAuthEvent("PASSWORD_RESET", { userId: used.userId, meta });
  void sendMail(passwordResetDoneMessage(used.email));
  return { ok: true };
}
