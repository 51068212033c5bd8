import { AuthForm } from "@/app/_components/auth-form";
import type { FormState } from "@/lib/auth/form-state";

export function LoginForm({ state }: { state: FormState }) {
  return (
    <AuthForm
      action={`/api/auth/login?${new URLSearchParams({ next: state.next })}`}
      next={state.next}
      submitLabel="Sign in"
      pendingLabel="Signing in…"
      initialError={state.error}
      initialFieldErrors={state.fields}
      fields={[
        { name: "email", label: "Email", type: "email", autoComplete: "username", required: true },
        { name: "password", label: "Password", type: "password", autoComplete: "current-password", required: true },
      ]}
    />
  );
}
