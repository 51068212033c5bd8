import { getDb } from "@/lib/db";
import { Prisma, type Role } from "@/lib/generated/prisma/client";

export type PublicRole = "user" | "admin";

/** The only shape of a user that leaves lib/ (SPEC §4): never the password hash. */
export type PublicUser = { id: string; email: string; name: string | null; role: PublicRole; emailVerified: boolean };

export function toPublicRole(role: Role): PublicRole {
  return role === "ADMIN" ? "admin" : "user";
}

export type UserRow = { id: string; email: string; name: string | null; role: Role; emailVerifiedAt: Date | null };

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

