import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { createSessionCache, type SessionCache } from "@/lib/session/cache";
import { createDatabaseStore } from "@/lib/session/database";
import { createSealedCookieStore } from "@/lib/session/sealed-cookie";
import type { SessionStore } from "@/lib/session/types";

export type * from "@/lib/session/types";
export { clearSessionCookie, readSessionCookie, setSessionCookie } from "@/lib/session/cookie";

let store: SessionStore | undefined;

// One cache per process: proxy.ts and the app are separate bundles (each with its own store) in
// one server process, and a revocation caught up by one must be seen by the other.
const globalForCache = globalThis as typeof globalThis & { cloakroomSessionCache?: SessionCache };

function sharedCache(): SessionCache {
  globalForCache.cloakroomSessionCache ??= createSessionCache({ db: getDb });
  return globalForCache.cloakroomSessionCache;
}

/** The active strategy (SPEC §2), chosen once from SESSION_STRATEGY; nothing else picks one. */
export function getSessionStore(): SessionStore {
  if (store) return store;
  const env = getEnv();
  const lifetimes = {
    db: getDb,
    idleTimeoutSeconds: env.idleTimeoutSeconds,
    maxAgeSeconds: env.maxAgeSeconds,
    now,
    cache: env.sessionCache ? sharedCache() : undefined,
  };
  store =
    env.sessionStrategy === "cookie"
      ? createSealedCookieStore({ ...lifetimes, secrets: env.sessionSecrets })
      : createDatabaseStore({ ...lifetimes, maxSessionsPerUser: env.maxSessionsPerUser });
  return store;
}
