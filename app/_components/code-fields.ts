import type { AuthField } from "@/app/_components/auth-form";

/** A 6-digit code from an authenticator app: a digit keyboard, and the browser may fill it in. */
export const TOTP_CODE_FIELD: AuthField = {
  name: "code",
  label: "Code from your authenticator app",
  type: "text",
  inputMode: "numeric",
  autoComplete: "one-time-code",
  required: true,
  hint: "6 digits. A code works only once: if it was just used, wait for the next one.",
};

/** One of the recovery codes handed out when two-factor was turned on (or last renewed). */
export const RECOVERY_CODE_FIELD: AuthField = {
  name: "recoveryCode",
  label: "Recovery code",
  type: "text",
  inputMode: "text",
  autoComplete: "off",
  required: true,
  hint: "Each recovery code works once.",
};

/** Turning two-factor off takes either kind, in the one `code` field (SPEC §8). */
export const ANY_CODE_FIELD: AuthField = {
  name: "code",
  label: "Authenticator code or recovery code",
  type: "text",
  inputMode: "text",
  autoComplete: "one-time-code",
  required: true,
};
