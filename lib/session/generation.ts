import type { Db } from "@/lib/db";
import type { SessionCache } from "@/lib/session/cache";

/**
 * Every session is created under the user's `sessionGeneration` and is dead once it differs.
 * Ending all of a user's sessions is one conditional write that moves the generation on, so a
 * session created from a check that saw the old generation cannot outlive it, whichever order
 * the two requests finish in (issue 10).
 */
export type EndUserSessionsOptions = {
  /**
   * Only while the user's generation is still this one: the caller's own session, checked a
   * moment ago, must not have been ended meanwhile (a stolen cookie racing logout everywhere).
   */
  ifGeneration?: number;
  /** Only while the password hash is still this one: a password change that proved the old password. */
  ifPasswordHash?: string;
  /** Set in the same statement: no login can check the old password and get the new generation. */
  newPasswordHash?: string;
};

/**
 * Moves the user's generation on and deletes their session rows (database strategy; none under
 * the others). Returns the new generation, or null when there is no such user or a condition
 * no longer holds. This instance's cache forgets the user before the caller answers; others within a second.
 */
export async function endUserSessions(
  db: Db,
  cache: SessionCache | undefined,
  userId: string,
  options: EndUserSessionsOptions = {},
): Promise<number | null> {
  const { ifGeneration = null, ifPasswordHash = null, newPasswordHash = null } = options;
  // One statement, no interactive transaction: nothing holds a pooled connection while waiting.
  const rows = await db.$queryRaw<Array<{ generation: number }>>`
    WITH advanced AS (
      UPDATE "User"
      -- Only equality is ever asked of a generation, so it wraps instead of overflowing int4.
      SET "sessionGeneration" = ("sessionGeneration" + 1) % 2147483647,
          "passwordHash" = COALESCE(${newPasswordHash}::text, "passwordHash"),
          "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE id = ${userId}
        AND (${ifGeneration}::int IS NULL OR "sessionGeneration" = ${ifGeneration}::int)
        AND (${ifPasswordHash}::text IS NULL OR "passwordHash" = ${ifPasswordHash}::text)
      RETURNING id, "sessionGeneration"
    ), ended AS (
      DELETE FROM "Session" s USING advanced a WHERE s."userId" = a.id RETURNING s.id
    )
    SELECT a."sessionGeneration" AS generation FROM advanced a`;
  const generation = rows[0]?.generation ?? null;
  if (generation !== null) await cache?.catchUp();
  return generation;
}

/**
 * Whether the user is still at `generation`. For a store that has just made a session: an "end
 * all sessions" that landed meanwhile makes it refuse to hand that session out.
 */
export async function isCurrentGeneration(db: Db, userId: string, generation: number): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { sessionGeneration: true } });
  return user?.sessionGeneration === generation;
}
