import type { AuthField } from "@/app/_components/auth-form";

/** The field that asks for the account's password before a sensitive change. */
export const CURRENT_PASSWORD_FIELD: AuthField = {
  name: "currentPassword",
  label: "Current password",
  type: "password",
  autoComplete: "current-password",
  required: true,
};

/** A field that sets a password: the browser may offer a generated one, and the rule is shown. */
export function newPasswordField(minLength: number, field: Partial<AuthField> = {}): AuthField {
  return {
    name: "newPassword",
    label: "New password",
    type: "password",
    autoComplete: "new-password",
    required: true,
    minLength,
    hint: `At least ${minLength} characters.`,
    ...field,
  };
}
