import type { Metadata } from "next";
import { AuthForm } from "@/app/_components/auth-form";
import { CURRENT_PASSWORD_FIELD } from "@/app/_components/password-fields";
import { FormNotices } from "@/app/_components/form-notices";
import { requireUser } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { withNotice } from "@/lib/routes";

export const metadata: Metadata = { title: "Email address" };

export default async function EmailSettingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { user } = await requireUser();
  const state = readFormState(await searchParams, ["newEmail", "currentPassword"], getEnv());
  return (
    <section className="card narrow">
      <h1>Email address</h1>
      <FormNotices notice={state.notice} />
      <p>
        Your address is <strong>{user.email}</strong> ({user.emailVerified ? "verified" : "not verified yet"}).
      </p>
      <p className="aside">
        To change it, we mail a confirmation link to the new address and a notice to this one. Nothing changes until you
        follow the link; then every other session is signed out.
      </p>
      <AuthForm
        action="/api/auth/email"
        next={withNotice("/settings/email", "email-change-sent")}
        submitLabel="Send confirmation link"
        pendingLabel="Sending…"
        initialError={state.error}
        initialFieldErrors={state.fields}
        fields={[
          { name: "newEmail", label: "New email address", type: "email", autoComplete: "email", required: true },
          CURRENT_PASSWORD_FIELD,
        ]}
      />
    </section>
  );
}
