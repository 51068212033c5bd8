import { deleteExpiredEmailTokens } from "@/lib/account/tokens";
import { auditCutoff } from "@/lib/audit";
import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { deleteExpiredSessionData } from "@/lib/session";
import { deleteExpiredTwoFactorRows } from "@/lib/two-factor/store";

export type CleanupReport = {
  sessions: number;
  revokedSessions: number;
  rateLimits: number;
  authEvents: number;
  revocationEvents: number;
  emailTokens: number;
  mfaChallenges: number;
  pendingTwoFactorSetups: number;
};

/**
 * Deletes what can never be valid again: the session data of every strategy (lib/session),
 * rate-limit counters past their memory, mailed links past their expiry, and audit events older
 * than AUDIT_RETENTION_DAYS, two-factor login challenges and unconfirmed setups past their expiry.
 * Live rows are never touched.
 */
export async function deleteExpiredRows(): Promise<CleanupReport> {
  const cutoff = new Date(now());
  const db = getDb();
  const [sessionData, rateLimits, authEvents, emailTokens, twoFactor] = await Promise.all([
    deleteExpiredSessionData(),
    db.rateLimit.deleteMany({ where: { expiresAt: { lte: cutoff } } }),
    db.authEvent.deleteMany({ where: { createdAt: { lt: auditCutoff() } } }),
    deleteExpiredEmailTokens(cutoff),
    deleteExpiredTwoFactorRows(cutoff),
  ]);
  return {
    sessions: sessionData.sessions,
    revokedSessions: sessionData.revokedSessions,
    rateLimits: rateLimits.count,
    authEvents: authEvents.count,
    revocationEvents: sessionData.revocationEvents,
    emailTokens,
    mfaChallenges: twoFactor.mfaChallenges,
    pendingTwoFactorSetups: twoFactor.pendingSetups,
  };
}
