import type { Metadata } from "next";
import Link from "next/link";
import { LogoutButton } from "@/app/_components/logout-button";
import { RecoveryCodesLeft } from "@/app/_components/recovery-codes-left";
import { FormNotices } from "@/app/_components/form-notices";
import { requireUser } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { getTwoFactorStatus } from "@/lib/two-factor";

export const metadata: Metadata = { title: "Dashboard" };

function Time({ value }: { value: Date }) {
  return <time dateTime={value.toISOString()}>{value.toUTCString()}</time>;
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { user, session } = await requireUser();
  const state = readFormState(await searchParams, [], getEnv());
  const twoFactor = await getTwoFactorStatus(user.id);
  return (
    <section className="card">
      <h1>Welcome{user.name ? `, ${user.name}` : ""}</h1>
      <FormNotices notice={state.notice} error={state.error} />
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.name ?? "—"}</dd>
        <dt>Email</dt>
        <dd>
          {user.email} ({user.emailVerified ? "verified" : "not verified"})
          {user.emailVerified ? null : (
            <form method="post" action="/api/auth/email/verify/resend" className="inline-form">
              <button type="submit" className="link-button">
                Send the verification link again
              </button>
            </form>
          )}
        </dd>
        <dt>Two-factor</dt>
        <dd>
          {twoFactor.enabled ? (
            <>
              On · <Link href="/settings/two-factor">Manage</Link>
              <RecoveryCodesLeft count={twoFactor.recoveryCodesLeft} settingsLink />
            </>
          ) : (
            <>
              Off · <Link href="/settings/two-factor">Turn on two-factor</Link>
            </>
          )}
        </dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Session started</dt>
        <dd>
          <Time value={session.createdAt} />
        </dd>
        <dt>Session expires</dt>
        <dd>
          <Time value={session.expiresAt} /> unless used again
        </dd>
      </dl>
      <LogoutButton label="Sign out of this device" />
    </section>
  );
}
