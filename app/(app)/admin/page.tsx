import type { Metadata } from "next";
import { FormNotices } from "@/app/_components/form-notices";
import Link from "next/link";
import { RelativeTime } from "@/app/_components/relative-time";
import { listUsersForAdmin } from "@/lib/admin";
import { requireRole } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { user: me } = await requireRole("admin");
  const users = await listUsersForAdmin();
  const { notice, error } = readFormState(await searchParams, [], getEnv());
  const now = new Date();
  return (
    <section className="card wide">
      <h1>Admin</h1>
      <FormNotices notice={notice} error={error} />
      <table className="users">
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">Active sessions</th>
            <th scope="col">Joined</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <th scope="row">
                <Link href={`/admin/users/${user.id}`}>{user.email}</Link>
                {user.name ? <span className="aside"> · {user.name}</span> : null}
                {user.id === me.id ? <span className="badge">You</span> : null}
              </th>
              <td>{user.role}</td>
              <td>{user.activeSessions ?? <span title="Sealed-cookie sessions are not recorded">not tracked</span>}</td>
              <td>
                <RelativeTime value={user.createdAt} now={now} />
              </td>
              <td className="row-actions">
                <form method="post" action={`/api/admin/users/${user.id}/role`} className="inline-form">
                  <input type="hidden" name="role" value={user.role === "admin" ? "user" : "admin"} />
                  <button type="submit" className="secondary">
                    {user.role === "admin" ? "Make user" : "Make admin"}
                    <span className="visually-hidden"> {user.email}</span>
                  </button>
                </form>
                <form method="post" action={`/api/admin/users/${user.id}/logout-all`} className="inline-form">
                  <button type="submit" className="secondary">
                    End sessions<span className="visually-hidden"> of {user.email}</span>
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
