import type { Metadata } from "next";
import Link from "next/link";
import { AuthForm } from "@/app/_components/auth-form";
import { getCurrentUser } from "@/lib/auth/current-user";
import { readFormState, readToken, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

export const metadata: Metadata = { title: "Confirm your new email address" };

// As /verify-email: the GET only shows a button, the POST uses the token (SPEC §7).
export default async function ConfirmEmailPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const state = readFormState(params, [], getEnv());
  const token = readToken(params);
  const signedIn = (await getCurrentUser()) !== null;
  return (
    <section className="card narrow">
      <h1>Confirm your new email address</h1>
      {token ? (
        <>
          <p className="aside">Your account moves to this address, and every other session is signed out.</p>
          <AuthForm
            action="/api/auth/email/confirm"
            next={signedIn ? withNotice("/settings/email", "email-changed") : withNotice(LOGIN_PATH, "email-changed")}
            hidden={{ token }}
            submitLabel="Confirm new address"
            pendingLabel="Confirming…"
            initialError={state.error}
            initialFieldErrors={state.fields}
            fields={[]}
          />
        </>
      ) : (
        <p role="alert" className="form-error">
          {state.error ?? "This link is incomplete."} <Link href="/settings/email">Ask for a new link</Link>.
        </p>
      )}
    </section>
  );
}
