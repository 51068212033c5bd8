import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { utcTimestamp } from "@/lib/sql-time";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/token";

/**
 * Links sent by mail (SPEC §7): 256 random bits, only their SHA-256 at rest, single use, and
 * bound to the account's address and password as they were when the link was sent, so a change
 * of either kills every link already out (OWASP Forgot Password Cheat Sheet; ASVS 2.5).
 */
export type EmailTokenKind = "verify-email" | "reset-password" | "change-email";

const KINDS = {
  "verify-email": Prisma.sql`'VERIFY_EMAIL'::"EmailTokenKind"`,
  "reset-password": Prisma.sql`'RESET_PASSWORD'::"EmailTokenKind"`,
  "change-email": Prisma.sql`'CHANGE_EMAIL'::"EmailTokenKind"`,
} satisfies Record<EmailTokenKind, Prisma.Sql>;

const HOUR_MS = 60 * 60 * 1000;
// SPEC §7: a reset link is a password, so it lives briefly; the others prove an address.
export const TOKEN_LIFETIME_MS: Record<EmailTokenKind, number> = {
  "verify-email": 24 * HOUR_MS,
  "reset-password": HOUR_MS,
  "change-email": 24 * HOUR_MS,
};

// The password hash as it is now, digested: stored with a token, compared when it is used.
const PASSWORD_STAMP = Prisma.sql`encode(sha256(convert_to(u."passwordHash", 'UTF8')), 'hex')`;

export type IssuedToken = { token: string; userId: string; email: string };

/**
 * A new link for the user (by id, or by address for "forgot password"), replacing any older one
 * of the same kind in the same write. Null when there is no such user. One statement whether or
 * not the user exists, so the two cases take the same time (no account enumeration).
 */
export async function issueEmailToken(
  kind: EmailTokenKind,
  user: { id: string } | { email: string },
  options: { newEmail?: string } = {},
): Promise<IssuedToken | null> {
  const token = generateToken();
  const t = now();
  const match = "id" in user ? Prisma.sql`u.id = ${user.id}` : Prisma.sql`u.email = ${user.email}`;
  const rows = await getDb().$queryRaw<Array<{ userId: string; email: string }>>`
    INSERT INTO "EmailToken" (id, kind, "userId", "tokenHash", email, "newEmail", "passwordStamp", "createdAt", "expiresAt")
    SELECT ${generateSessionId()}, ${KINDS[kind]}, u.id, ${hashToken(token)}, u.email, ${options.newEmail ?? null}, ${PASSWORD_STAMP},
           ${utcTimestamp(t)}, ${utcTimestamp(t + TOKEN_LIFETIME_MS[kind])}
    FROM "User" u WHERE ${match}
    ON CONFLICT ("userId", kind) DO UPDATE SET
      id = EXCLUDED.id, "tokenHash" = EXCLUDED."tokenHash", email = EXCLUDED.email, "newEmail" = EXCLUDED."newEmail",
      "passwordStamp" = EXCLUDED."passwordStamp", "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
    RETURNING "userId", email`;
  const row = rows[0];
  return row ? { token, userId: row.userId, email: row.email } : null;
}

export type UsedToken = { userId: string; email: string; newEmail: string | null; passwordHash: string };

// A token is usable while unexpired and while the account still has the address and password it
// was issued under.
const usable = (kind: EmailTokenKind, token: string, t: number) => Prisma.sql`
  t."tokenHash" = ${hashToken(token)} AND t.kind = ${KINDS[kind]} AND t."userId" = u.id
  AND t."expiresAt" > ${utcTimestamp(t)} AND t.email = u.email AND t."passwordStamp" = ${PASSWORD_STAMP}`;

/**
 * Uses the token up: one DELETE … RETURNING, so of two requests with the same link exactly one
 * gets it. Null for an unknown, used, expired, superseded or no longer bound token. Returns the
 * password hash it was checked against, for a caller whose own write must be conditional on it.
 */
export async function consumeEmailToken(kind: EmailTokenKind, token: string): Promise<UsedToken | null> {
  if (!looksLikeToken(token)) return null;
  const rows = await getDb().$queryRaw<UsedToken[]>`
    DELETE FROM "EmailToken" t USING "User" u WHERE ${usable(kind, token, now())}
    RETURNING t."userId", t.email, t."newEmail", u."passwordHash"`;
  return rows[0] ?? null;
}

/** Whether the token would be accepted now; uses nothing (a reset checks before it hashes). */
export async function isUsableEmailToken(kind: EmailTokenKind, token: string): Promise<boolean> {
  if (!looksLikeToken(token)) return false;
  const rows = await getDb().$queryRaw<Array<{ ok: number }>>`
    SELECT 1 AS ok FROM "EmailToken" t JOIN "User" u ON u.id = t."userId" WHERE ${usable(kind, token, now())}`;
  return rows.length > 0;
}

/** Tokens past their expiry (and of no use anyway); for the clean-up. */
export async function deleteExpiredEmailTokens(at: Date): Promise<number> {
  return getDb().$executeRaw`DELETE FROM "EmailToken" WHERE "expiresAt" <= ${utcTimestamp(at.getTime())}`;
}
