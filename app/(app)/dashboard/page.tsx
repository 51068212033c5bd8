import type { Metadata } from "next";
import { LogoutButton } from "@/app/_components/logout-button";
import { requireUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Dashboard" };

function Time({ value }: { value: Date }) {
  return <time dateTime={value.toISOString()}>{value.toUTCString()}</time>;
}

export default async function DashboardPage() {
  const { user, session } = await requireUser();
  return (
    <section className="card">
      <h1>Welcome{user.name ? `, ${user.name}` : ""}</h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.name ?? "—"}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
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
