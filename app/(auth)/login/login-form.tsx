import { AuthForm } from "@/app/_components/auth-form";
import type { FormState } from "@/lib/auth/form-state";
import { MFA_VERIFY_PATH } from "@/lib/routes";

export function LoginForm({ state }: { state: FormState }) {
  return (
    <AuthForm
      action={`/api/auth/login?${new URLSearchParams({ next: state.next })}`}
      next={state.next}
      // Two-factor on: the password was right, and the code comes next, on its own page (SPEC §8).
      challengePath={`${MFA_VERIFY_PATH}?${new URLSearchParams({ next: state.next })}`}
      submitLabel="Sign in"
      pendingLabel="Signing in…"
      initialError={state.error}
      initialFieldErrors={state.fields}
      fields={[
        { name: "email", label: "Email", type: "email", autoComplete: "username", required: true },
        { name: "password", label: "Password", type: "password", autoComplete: "current-password", required: true },
      ]}
      // Ticked by default: a session cookie kept until the session's absolute lifetime, as before.
      // Unticked, a browser-session cookie; the server's idle and absolute limits are the same.
      checkboxes={[
        {
          name: "remember",
          label: "Remember me",
          defaultChecked: true,
          hint: "On a shared computer, untick this and sign out when you are done: unticked, the browser forgets you when it closes.",
        },
      ]}
    />
  );
}
