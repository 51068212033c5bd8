import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActivityList } from "@/app/_components/activity-list";
import { FormNotices } from "@/app/_components/form-notices";
import { findUserForAdmin } from "@/lib/admin";
import { recentAuthEvents } from "@/lib/audit";
import { requireRole } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { PublicIdSchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { ADMIN_PATH, TWO_FACTOR_SETTINGS_PATH } from "@/lib/routes";
import { getTwoFactorStatus } from "@/lib/two-factor";

export const metadata: Metadata = { title: "User activity" };

export default async function AdminUserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const current = await requireRole("admin");
  const id = PublicIdSchema.safeParse((await params).id);
  const user = id.success ? await findUserForAdmin(id.data) : null;
  if (!user) notFound();
  const { notice, error } = readFormState(await searchParams, [], getEnv());
  const [events, twoFactor] = await Promise.all([recentAuthEvents(user.id, 100), getTwoFactorStatus(user.id)]);
  return (
    <section className="card">
      <p>
        <Link href={ADMIN_PATH}>← All users</Link>
      </p>
      <h1>{user.email}</h1>
      <FormNotices notice={notice} error={error} />
      <p className="aside">
        Role {user.role} · {user.name ?? "no name"}
      </p>
      <h2>Two-factor authentication</h2>
      {twoFactor.enabled ? (
        <>
          <p>
            <strong>On</strong> · {twoFactor.recoveryCodesLeft} recovery {twoFactor.recoveryCodesLeft === 1 ? "code" : "codes"} left
          </p>
          <p className="aside">
            For a user who lost their authenticator and their recovery codes: once you have checked it is really them,
            turn it off. They sign in with their password alone and are told by email; every other session ends.
          </p>
          {user.id === current.user.id ? (
            // The admin reset skips the password and code, so it is never for one's own account.
            <p>
              This is your own account: turn it off in <Link href={TWO_FACTOR_SETTINGS_PATH}>Settings → Two-factor</Link>.
            </p>
          ) : (
            <form method="post" action={`/api/admin/users/${user.id}/two-factor/disable`} className="inline-form">
              <button type="submit" className="danger">
                Turn off two-factor<span className="visually-hidden"> for {user.email}</span>
              </button>
            </form>
          )}
        </>
      ) : (
        <p>
          <strong>Off</strong>
        </p>
      )}
      <h2>Security activity</h2>
      <ActivityList events={events} now={new Date()} />
    </section>
  );
}
