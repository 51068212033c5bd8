import { deleteExpiredEmailTokens } from "@/lib/account/tokens";
import { auditCutoff } from "@/lib/audit";
import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { deleteExpiredSessionData } from "@/lib/session";

export type CleanupReport = {
  sessions: number;
  revokedSessions: number;
  rateLimits: number;
  authEvents: number;
  revocationEvents: number;
  emailTokens: number;
};

/**
 * Deletes what can never be valid again: the session data of every strategy (lib/session),
 * rate-limit counters past their memory, mailed links past their expiry, and audit events older
 * than AUDIT_RETENTION_DAYS.
 * Live rows are never touched.
 */
export async function deleteExpiredRows(): Promise<CleanupReport> {
  const cutoff = new Date(now());
  const db = getDb();
  const [sessionData, rateLimits, authEvents, emailTokens] = await Promise.all([
    deleteExpiredSessionData(),
    db.rateLimit.deleteMany({ where: { expiresAt: { lte: cutoff } } }),
    db.authEvent.deleteMany({ where: { createdAt: { lt: auditCutoff() } } }),
    deleteExpiredEmailTokens(cutoff),
  ]);
  return {
    sessions: sessionData.sessions,
    revokedSessions: sessionData.revokedSessions,
    rateLimits: rateLimits.count,
    authEvents: authEvents.count,
    revocationEvents: sessionData.revocationEvents,
    emailTokens,
  };
}
