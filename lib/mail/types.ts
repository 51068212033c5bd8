// The shape every message function returns and sendMail() takes. Kept apart from index.ts so
// messages.ts and the transports share it without importing the transport choice.

export type MailKind =
  | "verify-email"
  | "password-reset"
  | "email-change-confirm"
  | "email-change-requested"
  | "password-changed"
  | "password-reset-done"
  | "email-changed"
  | "role-changed"
  | "two-factor-enabled"
  | "two-factor-disabled"
  | "recovery-code-used";

/** `kind` names the message in logs, which never carry its body, links or token. */
export type MailMessage = { to: string; subject: string; text: string; html: string; kind: MailKind };
