import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActivityList } from "@/app/_components/activity-list";
import { findUserForAdmin } from "@/lib/admin";
import { recentAuthEvents } from "@/lib/audit";
import { requireRole } from "@/lib/auth/current-user";
import { PublicIdSchema } from "@/lib/auth/schemas";

export const metadata: Metadata = { title: "User activity" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  await requireRole("admin");
  const id = PublicIdSchema.safeParse((await params).id);
  const user = id.success ? await findUserForAdmin(id.data) : null;
  if (!user) notFound();
  const events = await recentAuthEvents(user.id, 100);
  return (
    <section className="card">
      <p>
        <Link href="/admin">← All users</Link>
      </p>
      <h1>{user.email}</h1>
      <p className="aside">
        Role {user.role} · {user.name ?? "no name"}
      </p>
      <h2>Security activity</h2>
      <ActivityList events={events} now={new Date()} />
    </section>
  );
}
