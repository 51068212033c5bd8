import { deleteExpiredRows } from "@/lib/maintenance";

// `npm run db:cleanup`: deletes expired sessions and revoked-cookie ids (cron-friendly).
const deleted = await deleteExpiredRows();
console.log(
  `Deleted ${deleted.sessions} expired sessions, ${deleted.revokedSessions} expired revocations, ${deleted.rateLimits} rate-limit counters and ${deleted.authEvents} old audit events.`,
);
process.exit(0);
