import type { Metadata } from "next";
import { ActivityList } from "@/app/_components/activity-list";
import { recentAuthEvents } from "@/lib/audit";
import { requireUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Security activity" };

export default async function ActivityPage() {
  const { user } = await requireUser();
  const events = await recentAuthEvents(user.id);
  return (
    <section className="card">
      <h1>Recent security activity</h1>
      <p className="aside">Sign-ins, failed attempts and changes to your account. If something here wasn&apos;t you, change your password.</p>
      <ActivityList events={events} now={new Date()} />
    </section>
  );
}
