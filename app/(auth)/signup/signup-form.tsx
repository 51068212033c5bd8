import { AuthForm } from "@/app/_components/auth-form";
import { newPasswordField } from "@/app/_components/password-fields";
import type { FormState } from "@/lib/auth/form-state";

export function SignupForm({ state, passwordMinLength }: { state: FormState; passwordMinLength: number }) {
  return (
    <AuthForm
      action={`/api/auth/signup?${new URLSearchParams({ next: state.next })}`}
      next={state.next}
      submitLabel="Create account"
      pendingLabel="Creating account…"
      initialError={state.error}
      initialFieldErrors={state.fields}
      fields={[
        { name: "name", label: "Name (optional)", type: "text", autoComplete: "name" },
        { name: "email", label: "Email", type: "email", autoComplete: "email", required: true },
        newPasswordField(passwordMinLength, {
          name: "password",
          label: "Password",
          hint: `At least ${passwordMinLength} characters. A long passphrase beats symbols.`,
        }),
      ]}
    />
  );
}
