import type { Metadata } from "next";
import Link from "next/link";
import { AuthForm } from "@/app/_components/auth-form";
import { FormNotices } from "@/app/_components/form-notices";
import { getCurrentUser } from "@/lib/auth/current-user";
import { readFormState, readToken, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { HOME_PATH, LOGIN_PATH, withNotice } from "@/lib/routes";

export const metadata: Metadata = { title: "Verify your email address" };

// A GET shows a button; only its POST uses the token, so a mail scanner that follows the link
// verifies nothing (SPEC §7).
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const state = readFormState(params, [], getEnv());
  const token = readToken(params);
  const signedIn = (await getCurrentUser()) !== null;
  return (
    <section className="card narrow">
      <h1>Verify your email address</h1>
      <FormNotices notice={state.notice} />
      {state.notice ? (
        <p>{signedIn ? <Link href={HOME_PATH}>Go to your dashboard</Link> : <Link href={LOGIN_PATH}>Sign in</Link>}.</p>
      ) : token ? (
        <AuthForm
          action="/api/auth/email/verify"
          next={withNotice("/verify-email", "email-verified")}
          hidden={{ token }}
          submitLabel="Verify my email address"
          pendingLabel="Verifying…"
          initialError={state.error}
          initialFieldErrors={state.fields}
          fields={[]}
        />
      ) : (
        <p role="alert" className="form-error">
          {state.error ?? "This link is incomplete."}{" "}
          {signedIn ? <Link href={HOME_PATH}>Send a new link from your dashboard</Link> : <Link href={LOGIN_PATH}>Sign in to get a new link</Link>}.
        </p>
      )}
    </section>
  );
}
