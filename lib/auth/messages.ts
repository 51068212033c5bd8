// Every message a form can show, by code. Schemas report codes, JSON callers get the text, and a
// no-JavaScript form gets the code in its redirect URL, so a crafted link can only ever show one
// of these texts, never words of an attacker's choosing.

export type MessageConfig = { passwordMinLength: number };

const MESSAGES = {
  required: () => "This field is required.",
  "email-invalid": () => "Enter a valid email address.",
  "email-too-long": () => "Email addresses are at most 254 characters.",
  "password-too-short": (c: MessageConfig) => `Use at least ${c.passwordMinLength} characters.`,
  "password-too-long": () =>
    "Use at most 72 bytes (72 plain letters, fewer with accents or emoji): bcrypt ignores anything longer.",
  "password-common": () => "This password is on lists of the most common passwords, which attackers try first. Choose another.",
  "name-too-long": () => "Names are at most 100 characters.",
  "invalid-input": () => "Please correct the fields below.",
  "invalid-credentials": () => "Invalid email or password",
  "rate-limited": () => "Too many attempts. Please wait a while and try again.",
  "email-taken": () => "An account with this email already exists.",
  "current-password-wrong": () => "Your current password is not correct.",
  "password-changed": () => "Password changed. Every other session has been signed out.",
  "sessions-churning": () => "Signing in could not finish: this account's sessions are being ended again and again. Try again in a moment.",
  "session-ended": () => "This session has ended. Please sign in again.",
  "password-changed-signed-out": () => "Your password was changed, but this session was signed out meanwhile. Sign in with the new password.",
  "session-not-found": () => "That session does not exist or has already ended.",
  "session-revoked": () => "Session signed out.",
  "others-revoked": () => "Every other session has been signed out.",
  "last-admin": () => "There must always be at least one admin.",
  "user-not-found": () => "That user does not exist.",
  "role-changed": () => "Role changed. That user's sessions have been ended.",
  "user-sessions-revoked": () => "All of that user's sessions have been ended.",
  "invalid-token": () => "This link is invalid or has expired. Ask for a new one.",
  "email-unchanged": () => "That is already your email address.",
  "bad-host": () => "The request's Host header does not name a valid origin.",
  "verify-to-sign-in": () => "Account created. We have sent a link to your email address: follow it, then sign in.",
  "email-unverified": () =>
    "Verify your email address first: we have sent a link to it. Follow the link, then sign in again (signing in again sends a new link).",
  "email-not-configured": () => "Email is not configured",
  "email-verified": () => "Your email address is verified.",
  "verification-sent": () => "We have sent a new verification link to your email address.",
  "reset-sent": () => "If an account uses that address, we have sent it a link to reset the password. The link works for one hour.",
  "password-reset": () => "Your password has been reset. Sign in with the new one.",
  "email-change-sent": () => "We have sent a confirmation link to the new address. Your email changes once you follow it.",
  "email-changed": () => "Your email address has been changed. Every other session has been signed out.",
  "two-factor-already-on": () => "Two-factor authentication is already on.",
  "two-factor-off": () => "Two-factor authentication is not on for this account.",
  "two-factor-own-account": () => "To turn off your own two-factor authentication, use Settings → Two-factor (it asks for your password and a code).",
  "two-factor-disabled": () => "Two-factor authentication is off. The account's other sessions have been signed out.",
  "code-format": () => "Enter the 6-digit code from your authenticator app.",
  "code-or-recovery-code": () => "Enter either a code from your authenticator app or a recovery code.",
  "mfa-code-invalid": () => "That code is not correct, or it has already been used. Enter the current code from your authenticator app.",
  "mfa-code-or-setup-invalid": () =>
    "That code is not correct, or the setup has expired (it lasts 10 minutes). Enter the current code, or start again.",
  "mfa-code-wrong": () => "That code is not correct, or it has already been used.",
  "mfa-challenge-ended": () => "Your sign-in has expired or was ended. Please sign in again.",
  "mfa-too-many-attempts": () => "Too many wrong codes. Please sign in again.",
  unauthenticated: () => "Authentication required",
  forbidden: () => "Forbidden",
  "cross-origin": () => "Cross-origin request refused",
  "not-found": () => "Not found",
  "store-unavailable": () => "Service unavailable",
  "schema-missing": () => "Service unavailable: the database is not set up yet (its migrations have not been applied).",
} satisfies Record<string, (config: MessageConfig) => string>;

export type MessageCode = keyof typeof MESSAGES;

export function isMessageCode(value: unknown): value is MessageCode {
  return typeof value === "string" && Object.hasOwn(MESSAGES, value);
}

/** The human text for a code; anything else (zod's own wording) is passed through. */
export function describe(code: string, config: MessageConfig): string {
  return isMessageCode(code) ? MESSAGES[code](config) : code;
}
