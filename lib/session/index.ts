import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { getEnv, type Env } from "@/lib/env";
import { createSessionCache, deleteOldRevocationEvents, type SessionCache } from "@/lib/session/cache";
import { databaseStrategy } from "@/lib/session/database";
import { reportCacheStats } from "@/lib/session/lru";
import { redisStrategy } from "@/lib/session/redis";
import { sealedCookieStrategy } from "@/lib/session/sealed-cookie";
import type { SessionStore, SessionStrategy } from "@/lib/session/types";

export type * from "@/lib/session/types";
export { clearSessionCookie, readSessionCookie, setSessionCookie } from "@/lib/session/cookie";
export { printCacheStatsOnSignal } from "@/lib/session/lru";

// Every strategy, by its SESSION_STRATEGY value: a new one is its own file and one line here.
// Keyed by what lib/env.ts accepts, so a value without a strategy does not compile.
const strategies: Record<Env["sessionStrategy"], SessionStrategy> = {
  database: databaseStrategy,
  cookie: sealedCookieStrategy,
  redis: redisStrategy,
};

let store: SessionStore | undefined;

// One cache per process: proxy.ts and the app are separate bundles (each with its own store) in
// one server process, and a revocation caught up by one must be seen by the other.
const globalForCache = globalThis as typeof globalThis & { cloakroomSessionCache?: SessionCache };

function sharedCache(): SessionCache {
  if (!globalForCache.cloakroomSessionCache) {
    const cache = createSessionCache({ db: getDb });
    reportCacheStats("session", cache.stats);
    globalForCache.cloakroomSessionCache = cache;
  }
  return globalForCache.cloakroomSessionCache;
}

/** The active strategy (SPEC §2), chosen once from SESSION_STRATEGY; nothing else picks one. */
export function getSessionStore(): SessionStore {
  if (store) return store;
  const env = getEnv();
  store = strategies[env.sessionStrategy].createStore({ db: getDb, env, now, cache: env.sessionCache ? sharedCache() : undefined });
  return store;
}

/**
 * After a change to a user row that sessions carry (email, verification): this instance's cache
 * forgets it before the caller answers; the others within a second (lib/session/cache.ts).
 */
export async function refreshSessionCache(): Promise<void> {
  await globalForCache.cloakroomSessionCache?.catchUp();
}

export type SessionCleanupReport = { sessions: number; revokedSessions: number; revocationEvents: number };

/**
 * Deletes session data that can never be valid again: every registered strategy's, not only the
 * active one's (a switch leaves the other's rows behind), and revocation-log rows no cache can
 * need. Live sessions are never touched.
 */
export async function deleteExpiredSessionData(): Promise<SessionCleanupReport> {
  const db = getDb();
  const at = new Date(now());
  const [counts, revocationEvents] = await Promise.all([
    Promise.all(Object.values(strategies).map((strategy) => strategy.deleteExpired(db, at))),
    deleteOldRevocationEvents(db),
  ]);
  return {
    sessions: counts.reduce((sum, c) => sum + (c.sessions ?? 0), 0),
    revokedSessions: counts.reduce((sum, c) => sum + (c.revokedSessions ?? 0), 0),
    revocationEvents,
  };
}
