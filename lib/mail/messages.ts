import type { MailKind, MailMessage } from "./types";

// One function per message (STYLE §1). Text and a simple HTML part say the same thing. Every
// value is HTML-escaped; no remote images or tracking pixels; the only link is the token link
// itself, and notices have none (SPEC §7: "no links that sign anyone in").

const APP_NAME = "Cloakroom";

// Expiry texts match the token lifetimes of SPEC §7.
const VERIFY_EXPIRY = "The link expires in 24 hours and works once.";
const RESET_EXPIRY = "The link expires in 1 hour and works once.";

type Action = { label: string; link: string; expiry: string };
type Content = { kind: MailKind; to: string; subject: string; paragraphs: string[]; action?: Action; closing: string[] };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const FOOTER = `You are receiving this because the address is used by an account on ${APP_NAME}.`;

function text({ paragraphs, action, closing }: Content): string {
  const blocks = [...paragraphs];
  if (action) blocks.push(`${action.label}:\n${action.link}`, action.expiry);
  blocks.push(...closing, `— ${APP_NAME}\n${FOOTER}`);
  return `${blocks.join("\n\n")}\n`;
}

const P = "margin:0 0 16px";
const BUTTON = "display:inline-block;padding:10px 16px;background:#1f4fd8;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600";

function html({ subject, paragraphs, action, closing }: Content): string {
  const p = (value: string) => `<p style="${P}">${escapeHtml(value)}</p>`;
  const parts = paragraphs.map(p);
  if (action) {
    const href = escapeHtml(action.link);
    parts.push(
      `<p style="${P}"><a href="${href}" style="${BUTTON}">${escapeHtml(action.label)}</a></p>`,
      `<p style="${P};font-size:14px;color:#57606a">If the button does not work, paste this address into your browser:<br>${href}</p>`,
      p(action.expiry),
    );
  }
  parts.push(...closing.map(p));
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f7f9;color:#1b1f24;font-family:system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif;line-height:1.5">',
    '<div style="max-width:32rem;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:8px;padding:24px">',
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(subject)}</h1>`,
    ...parts,
    `<p style="margin:24px 0 0;font-size:13px;color:#57606a">${escapeHtml(FOOTER)}</p>`,
    "</div></body></html>",
  ].join("\n");
}

function message(content: Content): MailMessage {
  return { kind: content.kind, to: content.to, subject: content.subject, text: text(content), html: html(content) };
}

const NOT_YOU_PASSWORD =
  "If this wasn't you, someone else may know your password: reset it with \"Forgot password\" on the sign-in page now, then sign out everywhere from Settings → Sessions.";

export function verifyEmailMessage(to: string, link: string): MailMessage {
  return message({
    kind: "verify-email",
    to,
    subject: `Verify your email address for ${APP_NAME}`,
    paragraphs: [`Please confirm that ${to} is your email address by opening the link below.`],
    action: { label: "Verify email address", link, expiry: VERIFY_EXPIRY },
    closing: ["If you didn't create an account, you can ignore this email: nothing happens unless the link is used."],
  });
}

export function passwordResetMessage(to: string, link: string): MailMessage {
  return message({
    kind: "password-reset",
    to,
    subject: `Reset your ${APP_NAME} password`,
    paragraphs: [`Someone asked to reset the password of the ${APP_NAME} account for ${to}. Open the link below to choose a new one.`],
    action: { label: "Choose a new password", link, expiry: RESET_EXPIRY },
    closing: ["If you didn't ask for this, you can safely ignore this email: your password stays as it is."],
  });
}

/** To the NEW address: the change happens only when this link is used. */
export function emailChangeConfirmMessage(to: string, link: string): MailMessage {
  return message({
    kind: "email-change-confirm",
    to,
    subject: `Confirm your new email address for ${APP_NAME}`,
    paragraphs: [`Someone asked to make ${to} the email address of their ${APP_NAME} account. Open the link below to confirm it.`],
    action: { label: "Confirm new email address", link, expiry: VERIFY_EXPIRY },
    closing: ["If you didn't ask for this, you can ignore this email: no account changes unless the link is used."],
  });
}

/** To the OLD address, when the change is requested. */
export function emailChangeRequestedMessage(to: string, newEmail: string): MailMessage {
  return message({
    kind: "email-change-requested",
    to,
    subject: `Your ${APP_NAME} email address is about to change`,
    paragraphs: [
      `Someone signed in to your ${APP_NAME} account (${to}) asked to change its email address to ${newEmail}.`,
      "Nothing changes until the confirmation link sent to the new address is used.",
    ],
    closing: [
      "If this was you, there is nothing to do here.",
      "If this wasn't you, sign in and change your password now, then sign out everywhere from Settings → Sessions: that cancels the pending change.",
    ],
  });
}

export function passwordChangedMessage(to: string): MailMessage {
  return message({
    kind: "password-changed",
    to,
    subject: `Your ${APP_NAME} password was changed`,
    paragraphs: [`The password of your ${APP_NAME} account (${to}) was just changed, and your other devices were signed out.`],
    closing: ["If this was you, there is nothing to do.", NOT_YOU_PASSWORD],
  });
}

export function passwordResetDoneMessage(to: string): MailMessage {
  return message({
    kind: "password-reset-done",
    to,
    subject: `Your ${APP_NAME} password was reset`,
    paragraphs: [`The password of your ${APP_NAME} account (${to}) was just reset with a link sent to this address, and every device was signed out.`],
    closing: [
      "If this was you, sign in with your new password.",
      "If this wasn't you, someone can read this mailbox: secure your email account first, then reset your password again with \"Forgot password\" on the sign-in page.",
    ],
  });
}

/** To the OLD address, once the new one is confirmed. */
export function emailChangedMessage(to: string, newEmail: string): MailMessage {
  return message({
    kind: "email-changed",
    to,
    subject: `Your ${APP_NAME} email address was changed`,
    paragraphs: [
      `The email address of your ${APP_NAME} account was changed from ${to} to ${newEmail}.`,
      "You now sign in with the new address, and this address will get no more mail about the account.",
    ],
    closing: ["If this was you, there is nothing to do.", `If this wasn't you, contact the administrator of this ${APP_NAME} site right away.`],
  });
}

export function roleChangedMessage(to: string, role: "user" | "admin"): MailMessage {
  const described = role === "admin" ? "administrator" : "regular user (not an administrator)";
  return message({
    kind: "role-changed",
    to,
    subject: `Your ${APP_NAME} role was changed`,
    paragraphs: [`An administrator changed the role of your ${APP_NAME} account (${to}) to ${described}. Your devices were signed out; sign in again to continue.`],
    closing: [`If you didn't expect this, contact the administrator of this ${APP_NAME} site.`],
  });
}

export function twoFactorEnabledMessage(to: string): MailMessage {
  return message({
    kind: "two-factor-enabled",
    to,
    subject: `Two-factor authentication is on for ${APP_NAME}`,
    paragraphs: [`Two-factor authentication was turned on for your ${APP_NAME} account (${to}). Signing in now also asks for a code from your authenticator app.`],
    closing: ["Keep your recovery codes somewhere safe.", NOT_YOU_PASSWORD],
  });
}

/** `byRecoveryCode`: the owner's own disable was confirmed with a recovery code (its use is told too). */
export function twoFactorDisabledMessage(to: string, options: { byRecoveryCode?: boolean } = {}): MailMessage {
  const how = options.byRecoveryCode ? " It was confirmed with one of your recovery codes, not your authenticator app." : "";
  return message({
    kind: "two-factor-disabled",
    to,
    subject: `Two-factor authentication is off for ${APP_NAME}`,
    paragraphs: [`Two-factor authentication was turned off for your ${APP_NAME} account (${to}).${how} Signing in now needs only your password.`],
    closing: [`${NOT_YOU_PASSWORD} Then turn two-factor authentication on again.`],
  });
}

export function recoveryCodeUsedMessage(to: string, codesLeft: number): MailMessage {
  const left =
    codesLeft === 0
      ? "You have no recovery codes left: generate new ones in Settings → Two-factor."
      : `You have ${codesLeft} recovery ${codesLeft === 1 ? "code" : "codes"} left.${codesLeft <= 3 ? " Consider generating new ones in Settings → Two-factor." : ""}`;
  return message({
    kind: "recovery-code-used",
    to,
    subject: `A recovery code was used to sign in to ${APP_NAME}`,
    paragraphs: [`A recovery code was just used instead of an authenticator code to sign in to your ${APP_NAME} account (${to}). Each code works once.`, left],
    closing: [`${NOT_YOU_PASSWORD} Then generate new recovery codes.`],
  });
}
