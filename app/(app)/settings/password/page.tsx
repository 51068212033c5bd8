import type { Metadata } from "next";
import { FormNotices } from "@/app/_components/form-notices";
import { AuthForm } from "@/app/_components/auth-form";
import { CURRENT_PASSWORD_FIELD, newPasswordField } from "@/app/_components/password-fields";
import { requireUser } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { withNotice } from "@/lib/routes";

export const metadata: Metadata = { title: "Change password" };

const DONE = withNotice("/settings/password", "password-changed");

export default async function PasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireUser();
  const env = getEnv();
  const state = readFormState(await searchParams, ["currentPassword", "newPassword"], env);
  return (
    <section className="card narrow">
      <h1>Change password</h1>
      <FormNotices notice={state.notice} />
      <p className="aside">Changing your password signs out every other device, and renews this one&apos;s session.</p>
      <AuthForm
        action="/api/auth/password"
        next={DONE}
        submitLabel="Change password"
        pendingLabel="Changing password…"
        initialError={state.error}
        initialFieldErrors={state.fields}
        fields={[CURRENT_PASSWORD_FIELD, newPasswordField(env.passwordMinLength)]}
      />
    </section>
  );
}
