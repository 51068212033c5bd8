import { recordAuthEvent } from "@/lib/audit";
import { sendMail } from "@/lib/mail";
import { roleChangedMessage } from "@/lib/mail/messages";
import { getDb } from "@/lib/db";
import { getSessionStore } from "@/lib/session";
import type { RequestMeta } from "@/lib/session";
import { toPublicUser, type PublicRole, type PublicUser } from "@/lib/users";

export type AdminUserRow = PublicUser & { createdAt: Date; activeSessions: number | null };

/** Users with their live session counts; null where the strategy cannot count them. */
export async function listUsersForAdmin(): Promise<AdminUserRow[]> {
  const users = await getDb().user.findMany({ orderBy: { createdAt: "asc" }, take: 500 });
  const counts = await getSessionStore().countActiveSessions(users.map((user) => user.id));
  return users.map((user) => ({
    ...toPublicUser(user),
    createdAt: user.createdAt,
    activeSessions: counts ? (counts.get(user.id) ?? 0) : null,
  }));
}

export async function findUserForAdmin(userId: string): Promise<PublicUser | null> {
  const user = await getDb().user.findUnique({ where: { id: userId } });
  return user && toPublicUser(user);
}

export async function revokeAllSessionsOf(
  userId: string,
  actor: { id: string; meta?: RequestMeta },
): Promise<{ ok: true } | { ok: false; reason: "user-not-found" }> {
  const exists = await getDb().user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!exists) return { ok: false, reason: "user-not-found" };
  await getSessionStore().invalidateUserSessions(userId);
  await recordAuthEvent("LOGOUT_ALL", { userId, meta: actor.meta, detail: { by: actor.id, scope: "admin" } });
  return { ok: true };
}

export type RoleChangeResult = { ok: true; user: PublicUser } | { ok: false; reason: "user-not-found" | "last-admin" };

/**
 * Sets a user's role and ends their sessions, so the new role is never combined with a session
 * issued under the old one (a new session id per privilege change: no fixation). Never leaves the
 * app without an admin: the admin rows are locked, so two admins demoting each other at once
 * cannot both succeed.
 */
export async function changeRole(userId: string, role: PublicRole, actor: { id: string; meta?: RequestMeta }): Promise<RoleChangeResult> {
  const dbRole = role === "admin" ? "ADMIN" : "USER";
  const result = await getDb().$transaction(async (tx) => {
    const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE role = 'ADMIN' FOR UPDATE`;
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) return { ok: false as const, reason: "user-not-found" as const };
    if (user.role === "ADMIN" && dbRole === "USER" && admins.length <= 1) return { ok: false as const, reason: "last-admin" as const };
    const updated = await tx.user.update({ where: { id: userId }, data: { role: dbRole } });
    return { ok: true as const, user: toPublicUser(updated) };
  });
  if (result.ok) {
    await getSessionStore().invalidateUserSessions(userId);
    await recordAuthEvent("ROLE_CHANGED", { userId, meta: actor.meta, detail: { role, by: actor.id } });
    // SPEC §7: the account's owner hears of a change to what it may do.
    void sendMail(roleChangedMessage(result.user.email, role));
  }
  return result;
}
