/**
 * The one table from an outcome's reason to its HTTP answer (SPEC §4). Handlers and lib/ return
 * reasons; only this table says what status each one is. Adding a reason is one line here (and,
 * when a form shows it, one text in lib/auth/messages.ts).
 */
type Rule = {
  status: number;
  /** Sent as Retry-After when the outcome carries no figure of its own. */
  retryAfterSeconds?: number;
  /** The caller's session is over: the cookie is cleared and a form goes back to the login page. */
  endsSession?: true;
  /** The pending login challenge is over: its cookie is cleared and a form goes back to the login page. */
  endsChallenge?: true;
  /** The request itself was unusable: even a form post gets JSON, as it cannot react to a redirect. */
  jsonOnly?: true;
  /** JSON answers carry the reason as `code` too, for clients that act on it (SPEC §7). */
  code?: true;
};

export const OUTCOMES = {
  "invalid-input": { status: 400 },
  // An unknown, used, expired or superseded link: one answer for all (SPEC §7).
  "invalid-token": { status: 400 },
  "email-unchanged": { status: 400 },
  // A Host header that names no http(s) origin (mail links are built on it when APP_URL is unset).
  "bad-host": { status: 400 },
  "malformed-json": { status: 400 },
  // SPEC §8: enable, disable and regenerate answer a wrong (or replayed) code, or no setup, with 400.
  "mfa-code-invalid": { status: 400 },
  "two-factor-off": { status: 400 },
  unauthenticated: { status: 401 },
  // One answer for an unknown email and a wrong password: same status, same text (SPEC §4).
  "invalid-credentials": { status: 401 },
  "current-password-wrong": { status: 401 },
  // SPEC §8: the second step of a login; a wrong, replayed or used code is a failed login.
  "mfa-code-wrong": { status: 401 },
  // No challenge, an expired one, one ended by 5 wrong codes, a logout-all or a password change.
  "mfa-challenge-ended": { status: 401, endsChallenge: true },
  // Only ever the caller's own session: every route answering it clears the caller's cookie.
  "session-ended": { status: 401, endsSession: true },
  // A password change that went through, but whose new session was ended again meanwhile.
  "password-changed-signed-out": { status: 401, endsSession: true },
  forbidden: { status: 403 },
  // Only after the password was checked, so it tells a stranger nothing (SPEC §7).
  "email-unverified": { status: 403, code: true },
  // CSRF (SPEC §3.6): a write from another site's page, refused by proxy.ts before any handler.
  "cross-origin": { status: 403 },
  // An admin's reset skips the password and code: never for the admin's own account (SPEC §8 disable).
  "two-factor-own-account": { status: 403 },
  "not-found": { status: 404 },
  // Another user's id answers exactly like an unknown one: never "forbidden" (no probing).
  "user-not-found": { status: 404 },
  "session-not-found": { status: 404 },
  // SPEC §4 accepts that 409 reveals a registered email; docs/security.md explains the trade-off.
  "email-taken": { status: 409 },
  "last-admin": { status: 409 },
  "two-factor-already-on": { status: 409 },
  "body-too-large": { status: 413, jsonOnly: true },
  "unsupported-media-type": { status: 415, jsonOnly: true },
  "rate-limited": { status: 429, retryAfterSeconds: 60 },
  // A right password whose account's sessions keep being ended may try again: not "wrong password".
  "sessions-churning": { status: 503 },
  // Fail closed: what cannot be checked is refused, never let through (SPEC §3).
  "store-unavailable": { status: 503 },
  // The database lacks a table or column the app needs (not migrated): lib/http/route.ts logs the fix.
  "schema-missing": { status: 503 },
  // Production without SMTP_URL: the routes that must send mail say so; nothing else changes.
  "email-not-configured": { status: 503 },
} as const satisfies Record<string, Rule>;

export type Reason = keyof typeof OUTCOMES;

export function ruleFor(reason: Reason): Rule {
  return OUTCOMES[reason];
}
