import { consumeEmailToken, issueEmailToken } from "@/lib/account/tokens";
import { recordAuthEvent } from "@/lib/audit";
import { now } from "@/lib/clock";
import { mailConfigured, sendMail } from "@/lib/mail";
import { mailLink } from "@/lib/mail/links";
import { verifyEmailMessage } from "@/lib/mail/messages";
import { mailLimits } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { refreshSessionCache } from "@/lib/session";
import { markEmailVerified, type PublicUser } from "@/lib/users";

export type EmailNotConfigured = { ok: false; reason: "email-not-configured" };
export type MailRateLimited = { ok: false; reason: "rate-limited"; retryAfterSeconds: number };

export const VERIFY_EMAIL_PATH = "/verify-email";

/**
 * Mails a fresh verification link to the account's address (the previous link dies). Quietly
 * does nothing where mail is off: signup and login never fail for want of mail.
 */
export async function sendVerificationLink(userId: string, origin: string, meta: RequestMeta): Promise<void> {
  if (!mailConfigured()) return;
  const issued = await issueEmailToken("verify-email", { id: userId });
  if (!issued) return;
  void sendMail(verifyEmailMessage(issued.email, mailLink(origin, VERIFY_EMAIL_PATH, { token: issued.token })));
  await recordAuthEvent("EMAIL_VERIFICATION_SENT", { userId, meta });
}

/** "Send the link again", for a signed-in user. An address already verified gets nothing (SPEC §7). */
export async function resendVerification(
  user: PublicUser,
  origin: string,
  meta: RequestMeta,
): Promise<{ ok: true } | EmailNotConfigured | MailRateLimited> {
  if (!mailConfigured()) return { ok: false, reason: "email-not-configured" };
  if (user.emailVerified) return { ok: true };
  const limit = await mailLimits.attempt(user.email, meta.ip);
  if (!limit.allowed) {
    await recordAuthEvent("RATE_LIMITED", { userId: user.id, meta, detail: { scope: "verification" } });
    return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  await sendVerificationLink(user.id, origin, meta);
  return { ok: true };
}

/** The link is the credential: it works signed in or out, once. */
export async function verifyEmail(token: string, meta: RequestMeta): Promise<{ ok: true; user: PublicUser } | { ok: false; reason: "invalid-token" }> {
  const used = await consumeEmailToken("verify-email", token);
  const user = used && (await markEmailVerified(used.userId, used.email, new Date(now())));
  if (!user) return { ok: false, reason: "invalid-token" };
  // Sessions carry the user row: this instance shows "verified" on the very next page.
  await refreshSessionCache();
  await recordAuthEvent("EMAIL_VERIFIED", { userId: user.id, meta });
  return { ok: true, user };
}
