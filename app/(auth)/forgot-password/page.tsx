import type { Metadata } from "next";
import Link from "next/link";
import { AuthForm } from "@/app/_components/auth-form";
import { FormNotices } from "@/app/_components/form-notices";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

export const metadata: Metadata = { title: "Forgot password" };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = readFormState(await searchParams, ["email"], getEnv());
  return (
    <section className="card narrow">
      <h1>Forgot your password?</h1>
      <FormNotices notice={state.notice} />
      <p className="aside">Enter the address you signed up with. If it has an account, we will mail it a link to choose a new password.</p>
      <AuthForm
        action="/api/auth/password/forgot"
        next={withNotice("/forgot-password", "reset-sent")}
        submitLabel="Send the reset link"
        pendingLabel="Sending…"
        initialError={state.error}
        initialFieldErrors={state.fields}
        fields={[{ name: "email", label: "Email", type: "email", autoComplete: "username", required: true }]}
      />
      <p className="aside">
        Remembered it? <Link href={LOGIN_PATH}>Sign in</Link>.
      </p>
    </section>
  );
}
