import { requireEnv } from "@/lib/env";
import { deleteExpiredRows } from "@/lib/maintenance";

// `npm run db:cleanup`: deletes expired sessions and revoked-cookie ids (cron-friendly).
requireEnv();
const deleted = await deleteExpiredRows();
console.log(
  `Deleted ${deleted.sessions} expired sessions, ${deleted.revokedSessions} expired revocations, ${deleted.rateLimits} rate-limit counters, ${deleted.authEvents} old audit events and ${deleted.revocationEvents} old revocation-log rows.`,
);
process.exit(0);
