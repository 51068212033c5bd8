import { deleteExpiredRows } from "@/lib/maintenance";

// `npm run db:cleanup`: deletes expired sessions and revoked-cookie ids (cron-friendly).
const deleted = await deleteExpiredRows();
console.log(`Deleted ${deleted.sessions} expired sessions and ${deleted.revokedSessions} expired revocations.`);
process.exit(0);
