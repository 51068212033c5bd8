import { getDb } from "@/lib/db";
import { Prisma, type Role } from "@/lib/generated/prisma/client";

export type PublicRole = "user" | "admin";

/** The only shape of a user that leaves lib/ (SPEC §4): never the password hash. */
export type PublicUser = { id: string; email: string; name: string | null; role: PublicRole; emailVerified: boolean };

export function toPublicRole(role: Role): PublicRole {
  return role === "ADMIN" ? "admin" : "user";
}

export type UserRow = { id: string; email: string; name: string | null; role: Role; emailVerifiedAt: Date | null };

/**
 * What every session store loads with a session: the columns toPublicUser reads and the session
 * generation. One constant, so the strategies cannot drift apart when PublicUser gains a field.
 */
export const sessionUserSelect = { id: true, email: true, name: true, role: true, emailVerifiedAt: true, sessionGeneration: true } as const;
export type SessionUserRow = UserRow & { sessionGeneration: number };

export function toPublicUser(user: UserRow): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: toPublicRole(user.role), emailVerified: user.emailVerifiedAt !== null };
}

/** For password checks only; `email` must already be normalised by the schema. */
export async function findUserWithHashByEmail(email: string) {
  return getDb().user.findUnique({ where: { email }, omit: { passwordHash: false } });
}

export type CreateUserResult = { ok: true; user: PublicUser; generation: number } | { ok: false; reason: "email-taken" };

export async function createUser(input: {
  email: string;
  name: string | null;
  passwordHash: string;
  role?: Role;
  /** Set for accounts an operator vouches for (demo users, `npm run user:create`). */
  emailVerifiedAt?: Date;
}): Promise<CreateUserResult> {
  try {
    const user = await getDb().user.create({ data: input });
    return { ok: true, user: toPublicUser(user), generation: user.sessionGeneration };
  } catch (error) {
    // The unique index decides races between two signups with one email.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, reason: "email-taken" };
    }
    throw error;
  }
}

/** For the password change only. */
export async function findUserWithHashById(id: string) {
  return getDb().user.findUnique({ where: { id }, omit: { passwordHash: false } });
}


/**
 * Marks the address verified, but only while it is still `email` (the address the link was sent
 * to). Null when the account has moved on to another address meanwhile.
 */
export async function markEmailVerified(userId: string, email: string, at: Date): Promise<PublicUser | null> {
  // An address verified before stays verified since then; the first verification's time is kept.
  await getDb().user.updateMany({ where: { id: userId, email, emailVerifiedAt: null }, data: { emailVerifiedAt: at } });
  const user = await getDb().user.findFirst({ where: { id: userId, email } });
  return user && toPublicUser(user);
}

export async function isEmailTaken(email: string): Promise<boolean> {
  return (await getDb().user.count({ where: { email } })) > 0;
}

/**
 * Moves the account from `from` to `to` (verified: the link that asked for it was opened at
 * `to`), only while the address is still `from`. The unique index decides a race with a signup.
 */
export async function changeUserEmail(
  userId: string,
  from: string,
  to: string,
  at: Date,
): Promise<{ ok: true; user: PublicUser } | { ok: false; reason: "email-taken" | "invalid-token" }> {
  try {
    const { count } = await getDb().user.updateMany({ where: { id: userId, email: from }, data: { email: to, emailVerifiedAt: at } });
    if (count === 0) return { ok: false, reason: "invalid-token" };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, reason: "email-taken" };
    throw error;
  }
  const user = await getDb().user.findUniqueOrThrow({ where: { id: userId } });
  return { ok: true, user: toPublicUser(user) };
}
