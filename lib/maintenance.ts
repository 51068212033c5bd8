import { auditCutoff } from "@/lib/audit";
import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { deleteOldRevocationEvents } from "@/lib/session/cache";

export type CleanupReport = { sessions: number; revokedSessions: number; rateLimits: number; authEvents: number; revocationEvents: number };

/**
 * Deletes what can never be valid again: sessions past their idle or absolute expiry or of an
 * ended generation, revoked cookie ids whose cookies would have expired anyway, rate-limit
 * counters past their memory,
 * audit events older than AUDIT_RETENTION_DAYS and revocation-log rows no cache can need.
 * Live rows are never touched.
 */
export async function deleteExpiredRows(): Promise<CleanupReport> {
  const cutoff = new Date(now());
  const db = getDb();
  const [sessions, staleSessions, revokedSessions, rateLimits, authEvents, revocationEvents] = await Promise.all([
    db.session.deleteMany({ where: { OR: [{ expiresAt: { lte: cutoff } }, { absoluteExpiresAt: { lte: cutoff } }] } }),
    // Rows of a generation the user has left (an insert that won its race with "end all sessions").
    db.$executeRaw`DELETE FROM "Session" s USING "User" u WHERE s."userId" = u.id AND s.generation <> u."sessionGeneration"`,
    db.revokedSession.deleteMany({ where: { expiresAt: { lte: cutoff } } }),
    db.rateLimit.deleteMany({ where: { expiresAt: { lte: cutoff } } }),
    db.authEvent.deleteMany({ where: { createdAt: { lt: auditCutoff() } } }),
    deleteOldRevocationEvents(db),
  ]);
  return {
    sessions: sessions.count + staleSessions,
    revokedSessions: revokedSessions.count,
    rateLimits: rateLimits.count,
    authEvents: authEvents.count,
    revocationEvents,
  };
}
