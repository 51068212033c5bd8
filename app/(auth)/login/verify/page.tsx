import type { Metadata } from "next";
import Link from "next/link";
import { AuthForm } from "@/app/_components/auth-form";
import { RECOVERY_CODE_FIELD, TOTP_CODE_FIELD } from "@/app/_components/code-fields";
import { FormNotices } from "@/app/_components/form-notices";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { loginPath, MFA_VERIFY_PATH } from "@/lib/routes";
import { hasPendingChallenge } from "@/lib/two-factor";

export const metadata: Metadata = { title: "Two-factor sign-in" };

/** This page with `next` kept, for the authenticator code or (`recovery`) a recovery code. */
function verifyPath(next: string, method?: "recovery"): string {
  return `${MFA_VERIFY_PATH}?${new URLSearchParams(method ? { method, next } : { next })}`;
}

// The second step of a login (SPEC §8): the password was right, and the pending-challenge cookie
// (never a session) says for whom. `next` went through safeNextPath in readFormState.
export default async function VerifyPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const state = readFormState(params, ["code", "recoveryCode"], getEnv());
  // A refused recovery code comes back with `method` (the route keeps it) or its field's error.
  const recovery = params.method === "recovery" || state.fields.recoveryCode !== undefined;

  if (!(await hasPendingChallenge())) {
    return (
      <section className="card narrow">
        <h1>Two-factor sign-in</h1>
        <p role="alert" className="form-error">
          This sign-in has expired or was never started. Sign-ins wait 10 minutes for the code.
        </p>
        <p>
          <Link href={loginPath(state.next)}>Sign in again</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1>Two-factor sign-in</h1>
      <FormNotices notice={state.notice} />
      <p className="aside">
        {recovery
          ? "Enter one of the recovery codes you saved when you turned on two-factor."
          : "Open your authenticator app and enter the 6-digit code it shows for Cloakroom."}
      </p>
      <AuthForm
        // A different key per method: switching forms starts with an empty field and no old error.
        key={recovery ? "recovery" : "totp"}
        action={`/api/auth/mfa/verify?${new URLSearchParams(recovery ? { method: "recovery", next: state.next } : { next: state.next })}`}
        next={state.next}
        submitLabel="Verify and sign in"
        pendingLabel="Verifying…"
        initialError={state.error}
        initialFieldErrors={state.fields}
        fields={[recovery ? RECOVERY_CODE_FIELD : TOTP_CODE_FIELD]}
      />
      <p className="aside">
        {recovery ? (
          <Link href={verifyPath(state.next)}>Use a code from your authenticator app instead</Link>
        ) : (
          <Link href={verifyPath(state.next, "recovery")}>Lost your phone? Use a recovery code</Link>
        )}
      </p>
      <p className="aside">
        <Link href={loginPath(state.next)}>Start over with your password</Link>
      </p>
    </section>
  );
}
