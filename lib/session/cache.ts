import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db";

/**
 * An in-process cache of what the session stores read on every request (a database session and
 * its user; a sealed cookie's user and revocation state), so the common request needs no
 * database round trip.
 *
 * It is kept honest by the revocation log: database triggers write a RevocationEvent whenever a
 * session ends or a user changes (prisma/migrations/*_revocation_log), and a cached answer is
 * used only while this process has read the log within the last second. So a logout, logout
 * everywhere, password change or role change made on any instance takes effect on every instance
 * within one second, and at once on the instance that made it (catchUp()).
 */
export interface SessionCache {
  /**
   * Whether cached answers may be used now. Reads the log first when the last read is too old
   * (an idle instance, or one just thawed); false when the log cannot be read: go to the database.
   */
  ready(): Promise<boolean>;
  get<T>(key: string): T | undefined;
  /** Taken before a database read whose result will be cached: see set(). */
  mark(): number;
  /**
   * Caches a value read from the database, tagged with whom it concerns. Refused when the log
   * brought news since `mark`: the value may predate a revocation the cache has already applied.
   */
  set(key: string, value: unknown, tags: CacheTags, mark: number): void;
  /** Drops one entry: the database said the value is gone. */
  forget(key: string): void;
  /** Reads the log now; for the instance that just revoked something, so it forgets at once. */
  catchUp(): Promise<void>;
}

export type CacheTags = { userId: string; sessionId?: string };

export type SessionCacheOptions = {
  db: () => Db;
  /** Monotonic milliseconds; tests move it. */
  clock?: () => number;
  maxEntries?: number;
};

/**
 * The one way the stores use a cache: the value under `key` when the cache can vouch for it and
 * `stillGood` accepts it, else `load()` from the database, cached (tagged by `tagsOf`) unless the
 * log brought news during the read. Without a cache, always `load()`.
 */
export async function readThrough<T>(
  cache: SessionCache | undefined,
  key: string,
  load: () => Promise<T | null>,
  tagsOf: (value: T) => CacheTags,
  stillGood: (value: T) => boolean = () => true,
): Promise<T | null> {
  if (!cache || !(await cache.ready())) return load();
  const hit = cache.get<T>(key);
  if (hit !== undefined && stillGood(hit)) return hit;
  const mark = cache.mark();
  const value = await load();
  if (value !== null) cache.set(key, value, tagsOf(value), mark);
  return value;
}

/** A cached answer is never older than the last read of the log by more than this (issue 6). */
const MAX_STALENESS_MS = 1000;
// Past this age a request starts a read in the background; only past MAX_STALENESS_MS does one wait.
const REFRESH_AFTER_MS = 250;
// Each read asks again for the log's last 30 seconds: an event committed late (a transaction
// that began before the previous read and ended after it) is still seen. Ids already applied are
// skipped.
const OVERLAP = Prisma.raw("interval '30 seconds'");
// After a longer silence (a serverless instance frozen for minutes) the cache starts empty.
const MAX_GAP_MS = 10 * 60_000;
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Log rows an instance can still need: longer than any read's look-back (OVERLAP) and than the
 * silence after which a cache starts empty anyway (MAX_GAP_MS). Measured on the database's clock.
 */
export async function deleteOldRevocationEvents(db: Db): Promise<number> {
  return db.$executeRaw`DELETE FROM "RevocationEvent" WHERE "at" < statement_timestamp() - interval '1 hour'`;
}

type LogRead = { dbNowMs: number; events: Array<{ id: string; userId: string; sessionId: string | null }> };

type Entry = { value: unknown; tags: CacheTags };

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const clock = options.clock ?? (() => performance.now());
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries = new Map<string, Entry>();
  const keysByUser = new Map<string, Set<string>>();
  const keysBySession = new Map<string, Set<string>>();

  let lastReadStartedAt = Number.NEGATIVE_INFINITY;
  // Epoch milliseconds on the database's clock: the adapter sends a Date as zone-less text and
  // reads a timestamptz without its offset, both wrong unless the session's TimeZone is UTC.
  let sinceMs: number | null = null;
  let applied = new Set<string>();
  let generation = 0;
  let inFlight: Promise<void> | null = null;

  function index(map: Map<string, Set<string>>, id: string, key: string) {
    let keys = map.get(id);
    if (!keys) map.set(id, (keys = new Set()));
    keys.add(key);
  }

  function unindex(map: Map<string, Set<string>>, id: string | undefined, key: string) {
    if (id === undefined) return;
    const keys = map.get(id);
    keys?.delete(key);
    if (keys?.size === 0) map.delete(id);
  }

  function remove(key: string) {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    unindex(keysByUser, entry.tags.userId, key);
    unindex(keysBySession, entry.tags.sessionId, key);
  }

  function clear() {
    entries.clear();
    keysByUser.clear();
    keysBySession.clear();
    generation++;
  }

  async function read(): Promise<void> {
    const startedAt = clock();
    if (startedAt - lastReadStartedAt > MAX_GAP_MS) {
      clear();
      sinceMs = null;
      applied = new Set();
    }
    // One round trip: the log's recent rows and the database's own clock, so no instance's clock
    // (nor the test clock) decides what "recent" means.
    const [row] = await options.db().$queryRaw<LogRead[]>(Prisma.sql`
      SELECT (extract(epoch FROM statement_timestamp()) * 1000)::float8 AS "dbNowMs",
             COALESCE(json_agg(json_build_object('id', e.id::text, 'userId', e."userId", 'sessionId', e."sessionId")), '[]') AS events
      FROM "RevocationEvent" e
      WHERE e."at" > COALESCE(to_timestamp(${sinceMs}::float8 / 1000), statement_timestamp()) - ${OVERLAP}`);
    if (!row) throw new Error("revocation log: no answer");
    const seen = new Set<string>();
    let news = false;
    for (const event of row.events) {
      seen.add(event.id);
      if (applied.has(event.id)) continue;
      news = true;
      // A session event names one session; a user event (no session) all of the user's.
      const keys = event.sessionId ? keysBySession.get(event.sessionId) : keysByUser.get(event.userId);
      for (const key of [...(keys ?? [])]) remove(key);
    }
    if (news) generation++;
    applied = seen;
    sinceMs = row.dbNowMs;
    lastReadStartedAt = startedAt;
  }

  function refresh(): Promise<void> {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    async ready() {
      const age = clock() - lastReadStartedAt;
      if (age < REFRESH_AFTER_MS) return true;
      if (age < MAX_STALENESS_MS) {
        // Still fresh enough: answer now, read in the background for the requests to come.
        refresh().catch((error: unknown) => console.error("session cache: cannot read the revocation log", error));
        return true;
      }
      try {
        await refresh();
      } catch (error) {
        console.error("session cache: cannot read the revocation log", error);
        return false;
      }
      return clock() - lastReadStartedAt < MAX_STALENESS_MS;
    },

    get<T>(key: string) {
      return entries.get(key)?.value as T | undefined;
    },

    mark: () => generation,

    set(key, value, tags, mark) {
      if (mark !== generation) return;
      remove(key);
      // Oldest first out (a Map iterates in insertion order); a busy session is simply read again.
      while (entries.size >= maxEntries) remove(entries.keys().next().value!);
      entries.set(key, { value, tags });
      index(keysByUser, tags.userId, key);
      if (tags.sessionId) index(keysBySession, tags.sessionId, key);
    },

    forget: remove,

    async catchUp() {
      // A read already under way may have started before the caller's write: wait it out, then
      // start one that cannot have.
      await inFlight?.catch(() => undefined);
      try {
        await refresh();
      } catch (error) {
        // The write stands; until the log can be read again, nothing cached is trusted.
        lastReadStartedAt = Number.NEGATIVE_INFINITY;
        console.error("session cache: cannot read the revocation log after a revocation", error);
      }
    },
  };
}
