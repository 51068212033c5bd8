import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db";
import { LruMap } from "@/lib/session/lru";

/*
 * The session cache, and the protocol that keeps it honest (issues 6, 10, 16):
 * 1. Database triggers append a RevocationEvent {userId, sessionId?} whenever a session ends or is
 *    shortened, a sealed cookie is revoked or a user row changes (migration *_revocation_log).
 * 2. Entries are tagged with their user and session; an event drops the entries of its session,
 *    or all of its user's when it names no session.
 * 3. An entry is served only while the last read of the log started < MAX_STALENESS_MS ago. A busy
 *    process reads again in the background after REFRESH_AFTER_MS (about once a second); an idle
 *    one reads before answering; if the log cannot be read, requests go to the database.
 * 4. A value loaded while a read brought news is not stored: it may predate what was dropped.
 * 5. The instance that revokes reads the log before it answers (catchUp): it forgets at once.
 * 6. Reads look back LOOK_BACK_MS before the previous read (late commits); applied ids are skipped.
 * 7. After MAX_GAP_MS without a read (a frozen serverless instance) the cache starts empty.
 * 8. At most maxEntries entries, least recently used out first: memory is bounded.
 */

/** The promise to the reader (issue 6): a cached answer never outlives its revocation by more. */
export const MAX_STALENESS_MS = 1000;
// A read takes a millisecond or two: starting it at 3/4 of the limit leaves ample room.
const REFRESH_AFTER_MS = (3 / 4) * MAX_STALENESS_MS;
// An event's time is its insert, its visibility the commit: no transaction that writes one (a
// logout, a user update) stays open this long, so a look-back this long sees every late commit.
const LOOK_BACK_MS = 30_000;
// Longer than any pause of a busy process; a serverless instance frozen for longer starts empty.
const MAX_GAP_MS = 10 * 60_000;
// What a read can still ask for: the look-back behind a read up to the gap late. Doubled for margin.
export const LOG_RETENTION_MS = 2 * (MAX_GAP_MS + LOOK_BACK_MS);
/**
 * 100,000 entries: a hit for every session of 10,000 users with 10 sessions each. A database
 * session entry measured ~0.85 KB of heap (key, row, user, indexes): ~80 MiB at the cap; the
 * cookie strategy's ~0.7 KB, plus ~0.4 KB in its seal memo (docs/performance.md).
 */
export const DEFAULT_MAX_ENTRIES = 100_000;

export type CacheTags = { userId: string; sessionId?: string };

export type CacheStats = { hits: number; misses: number; entries: number; maxEntries: number; evictions: number };

export interface SessionCache {
  /** Whether cached answers may be used now (rule 3); reads the log first when it must. */
  ready(): Promise<boolean>;
  /** The value under `key` if `usable` accepts it (now the most recently used); counted as a hit or a miss. */
  get<T>(key: string, usable?: (value: T) => boolean): T | undefined;
  /** Taken before a database read whose result will be cached: see set() (rule 4). */
  mark(): number;
  /** Caches a value read from the database; refused when the log brought news since `mark`. */
  set(key: string, value: unknown, tags: CacheTags, mark: number): void;
  /** Swaps in a newer copy (a slid expiry), only while `current` is still what `key` holds. */
  replace(key: string, current: unknown, next: unknown): void;
  /** Drops one entry: the database said the value is gone. */
  forget(key: string): void;
  /** Reads the log now (rule 5). */
  catchUp(): Promise<void>;
  stats(): CacheStats;
}

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
  const hit = cache.get<T>(key, stillGood);
  if (hit !== undefined) return hit;
  const mark = cache.mark();
  const value = await load();
  if (value !== null) cache.set(key, value, tagsOf(value), mark);
  return value;
}

/** Log rows no cache can still need (rule 6). Measured on the database's clock. */
export async function deleteOldRevocationEvents(db: Db): Promise<number> {
  return db.$executeRaw`DELETE FROM "RevocationEvent" WHERE "at" < statement_timestamp() - make_interval(secs => ${LOG_RETENTION_MS / 1000}::float8)`;
}

type LogEvent = { id: string; userId: string; sessionId: string | null };
type LogRead = { dbNowMs: number; events: LogEvent[] };
type Entry = { readonly value: unknown; readonly tags: CacheTags };

/**
 * Keys by tag (user or session), so an event finds its entries without a scan. Most tags name
 * one key (a session has one entry), so a lone key is held as itself, not in a Set of its own.
 */
class TagIndex {
  private readonly keys = new Map<string, string | Set<string>>();
  add(tag: string, key: string) {
    const held = this.keys.get(tag);
    if (held === undefined || held === key) this.keys.set(tag, key);
    else if (typeof held === "string") this.keys.set(tag, new Set([held, key]));
    else held.add(key);
  }
  delete(tag: string, key: string) {
    const held = this.keys.get(tag);
    if (held === key) this.keys.delete(tag);
    else if (typeof held === "object" && held.delete(key) && held.size === 0) this.keys.delete(tag);
  }
  of(tag: string): string[] {
    const held = this.keys.get(tag);
    return held === undefined ? [] : typeof held === "string" ? [held] : [...held];
  }
  clear() {
    this.keys.clear();
  }
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const clock = options.clock ?? (() => performance.now());
  const byUser = new TagIndex();
  const bySession = new TagIndex();
  const unindex = (key: string, { tags }: Entry) => {
    byUser.delete(tags.userId, key);
    if (tags.sessionId) bySession.delete(tags.sessionId, key);
  };
  const entries = new LruMap<Entry>(options.maxEntries ?? DEFAULT_MAX_ENTRIES, unindex);

  let lastReadStartedAt = Number.NEGATIVE_INFINITY;
  // Epoch milliseconds on the database's clock (null: no read yet). Instances' clocks never decide
  // what "recent" means; the adapter would also misread a Date unless the session's zone is UTC.
  let lastReadDbMs: number | null = null;
  let applied = new Set<string>();
  // Moves on whenever a read drops something: a mark() older than that cannot set() (rule 4).
  let news = 0;
  let inFlight: Promise<void> | null = null;

  function remove(key: string) {
    const entry = entries.delete(key);
    if (entry) unindex(key, entry);
  }

  function clear() {
    entries.clear();
    byUser.clear();
    bySession.clear();
    news++;
  }

  function apply(events: LogEvent[]) {
    const fresh = events.filter((event) => !applied.has(event.id));
    for (const event of fresh) {
      const keys = event.sessionId ? bySession.of(event.sessionId) : byUser.of(event.userId);
      for (const key of keys) remove(key);
    }
    if (fresh.length > 0) news++;
    applied = new Set(events.map((event) => event.id));
  }

  async function read(): Promise<void> {
    const startedAt = clock();
    if (startedAt - lastReadStartedAt > MAX_GAP_MS) {
      clear();
      lastReadDbMs = null;
      applied = new Set();
    }
    // One round trip: the recent rows and the database's own clock. The first read starts from now.
    const [row] = await options.db().$queryRaw<LogRead[]>(Prisma.sql`
      SELECT (extract(epoch FROM statement_timestamp()) * 1000)::float8 AS "dbNowMs",
             COALESCE(json_agg(json_build_object('id', e.id::text, 'userId', e."userId", 'sessionId', e."sessionId")), '[]') AS events
      FROM "RevocationEvent" e
      WHERE e."at" > to_timestamp((COALESCE(${lastReadDbMs}::float8, extract(epoch FROM statement_timestamp()) * 1000) - ${LOOK_BACK_MS}::float8) / 1000)`);
    if (!row) throw new Error("revocation log: no answer");
    apply(row.events);
    lastReadDbMs = row.dbNowMs;
    lastReadStartedAt = startedAt;
  }

  function refresh(): Promise<void> {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  const logError = (when: string) => (error: unknown) => console.error(`session cache: cannot read the revocation log${when}`, error);

  return {
    async ready() {
      const age = clock() - lastReadStartedAt;
      if (age < REFRESH_AFTER_MS) return true;
      if (age < MAX_STALENESS_MS) {
        refresh().catch(logError(""));
        return true;
      }
      try {
        await refresh();
      } catch (error) {
        logError("")(error);
        return false;
      }
      return clock() - lastReadStartedAt < MAX_STALENESS_MS;
    },

    get<T>(key: string, usable: (value: T) => boolean = () => true) {
      return entries.get(key, (entry) => usable(entry.value as T))?.value as T | undefined;
    },

    mark: () => news,

    set(key, value, tags, mark) {
      if (mark !== news) return;
      remove(key);
      // Frozen, value too (shallowly): a reader holding it sees it change never; newer copies replace it.
      entries.set(key, Object.freeze({ value: Object.freeze(value), tags }));
      byUser.add(tags.userId, key);
      if (tags.sessionId) bySession.add(tags.sessionId, key);
    },

    replace(key, current, next) {
      const entry = entries.peek(key);
      // Same tags, same place in the eviction order: only the value is newer.
      if (entry && entry.value === current) entries.update(key, Object.freeze({ value: next, tags: entry.tags }));
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
        logError(" after a revocation")(error);
      }
    },

    stats: () => entries.stats(),
  };
}
