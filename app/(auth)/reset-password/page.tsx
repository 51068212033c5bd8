import type { Metadata } from "next";
import Link from "next/link";
import { AuthForm } from "@/app/_components/auth-form";
import { newPasswordField } from "@/app/_components/password-fields";
import { readFormState, readToken, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

export const metadata: Metadata = { title: "Choose a new password" };

// The token stays in the page (proxy.ts sends Referrer-Policy: no-referrer here) and is used only
// by the form's POST: opening the link changes nothing.
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const env = getEnv();
  const state = readFormState(params, ["newPassword"], env);
  const token = readToken(params);
  return (
    <section className="card narrow">
      <h1>Choose a new password</h1>
      {token ? (
        <>
          <p className="aside">Every session of your account will be signed out; then sign in with the new password.</p>
          <AuthForm
            action="/api/auth/password/reset"
            next={withNotice(LOGIN_PATH, "password-reset")}
            hidden={{ token }}
            submitLabel="Set new password"
            pendingLabel="Setting password…"
            initialError={state.error}
            initialFieldErrors={state.fields}
            fields={[newPasswordField(env.passwordMinLength)]}
          />
        </>
      ) : (
        <p role="alert" className="form-error">
          {state.error ?? "This link is incomplete."} <Link href="/forgot-password">Ask for a new link</Link>.
        </p>
      )}
    </section>
  );
}
