import type { Db } from "@/lib/db";
import { DEFAULT_MAX_ENTRIES, readThrough, type SessionCache } from "@/lib/session/cache";
import { endUserSessions, isCurrentGeneration } from "@/lib/session/generation";
import { utcTimestamp } from "@/lib/sql-time";
import type { Prisma } from "@/lib/generated/prisma/client";
import { sessionUserSelect, toPublicUser, type PublicUser } from "@/lib/users";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/token";
import type { CleanupCounts, SessionInfo, SessionStore, SessionStrategy } from "@/lib/session/types";

// last_seen_at is for the session list, not for security: recorded at most once a minute per
// session, in the background, one statement per LAST_SEEN_FLUSH_MS for every session used
// meanwhile. At 100,000 sessions spread over a busy server, most requests are a session's first
// in a minute: a write each would cost more than the rest of the request (issue 16).
const LAST_SEEN_RESOLUTION_MS = 60_000;
const LAST_SEEN_FLUSH_MS = 1000;
// One statement stays small however busy the server is.
const LAST_SEEN_BATCH = 5000;

export type DatabaseStoreOptions = {
  db: () => Db;
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  maxSessionsPerUser: number;
  now?: () => number;
  /** Spares the per-request lookup; without one, every request reads the database. */
  cache?: SessionCache;
  /** Shared by the stores of one process (databaseStrategy below); else the store's own. */
  lastSeen?: LastSeenWriter;
};

export type LastSeenWriter = {
  /**
   * Session `id` was used at `t` (epoch ms): recorded within LAST_SEEN_FLUSH_MS. `gone` is called
   * when the write finds no live row of the user's current generation: whatever a cache holds,
   * it must be read again (a row deleted without the log hearing of it, issue 10).
   */
  note(id: string, t: number, gone: () => void): void;
  /** Writes everything pending, and waits for a write already under way. */
  flush(): Promise<void>;
};

/** Batches last-seen times: one statement per LAST_SEEN_FLUSH_MS for every session used meanwhile. */
export function createLastSeenWriter(db: () => Db): LastSeenWriter {
  // Session id → the newest use to record. Bounded: beyond the cap a use goes unrecorded (display only).
  const pending = new Map<string, { t: number; gone: () => void }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> | null = null;

  async function writeBatch(): Promise<void> {
    const batch = [...pending].slice(0, LAST_SEEN_BATCH);
    for (const [id] of batch) pending.delete(id);
    try {
      // Live rows of their user's generation only, locked in id order and skipping any row another
      // transaction holds (an extension or a delete under way): a batch never waits in a lock
      // cycle with a multi-row delete or another instance's batch. GREATEST: only ever forward.
      const written = await db().$queryRaw<Array<{ id: string }>>`
        UPDATE "Session" s SET "lastSeenAt" = GREATEST(s."lastSeenAt", to_timestamp(v.seen / 1000) AT TIME ZONE 'UTC')
        FROM (
          SELECT x.id, n.seen FROM unnest(${batch.map(([id]) => id)}::text[], ${batch.map(([, use]) => use.t)}::float8[]) AS n(id, seen)
          JOIN "Session" x ON x.id = n.id
          JOIN "User" u ON u.id = x."userId" AND u."sessionGeneration" = x.generation
          ORDER BY x.id FOR NO KEY UPDATE OF x SKIP LOCKED
        ) v
        WHERE s.id = v.id
        RETURNING s.id`;
      const found = new Set(written.map((row) => row.id));
      // Not written: gone, of an older generation, or locked by a write that may be ending it.
      for (const [id, use] of batch) if (!found.has(id)) use.gone();
    } catch (error) {
      // Back in the queue for the next round, unless a newer use of the same session is there.
      for (const [id, use] of batch) if (!pending.has(id)) pending.set(id, use);
      throw error;
    }
  }

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    await writing?.catch(() => undefined);
    while (pending.size > 0) {
      writing = writeBatch().finally(() => {
        writing = null;
      });
      await writing;
    }
  }

  function schedule() {
    timer ??= setTimeout(() => {
      flush().catch((error: unknown) => {
        console.error("database sessions: cannot record last-seen times", error);
        if (pending.size > 0) schedule();
      });
    }, LAST_SEEN_FLUSH_MS);
    // A pending write never keeps a script or test process alive.
    timer.unref?.();
  }

  return {
    note(id, t, gone) {
      const earlier = pending.get(id);
      if (!earlier && pending.size >= DEFAULT_MAX_ENTRIES) return;
      pending.set(id, { t: Math.max(t, earlier?.t ?? t), gone });
      schedule();
    },
    flush,
  };
}

const sessionInfoSelect = {
  id: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  userAgent: true,
  ip: true,
} as const;

// What a request needs: the session, its limits and its user, in one indexed read.
const sessionRowSelect = {
  ...sessionInfoSelect,
  userId: true,
  absoluteExpiresAt: true,
  generation: true,
  persistent: true,
  user: { select: sessionUserSelect },
} as const;

/**
 * One session as a request uses it and the cache holds it: times as epoch milliseconds (a Date
 * costs ~60 bytes more, and 100,000 of these may be cached), the user as the app shows it. Frozen:
 * a newer copy replaces it, nothing changes it in place.
 */
type SessionRow = Readonly<{
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  userAgent: string | null;
  ip: string | null;
  generation: number;
  persistent: boolean;
  user: PublicUser;
  /** The user's generation when read: the row is dead once its own differs (isLive). */
  userGeneration: number;
}>;

function toSessionRow(found: Prisma.SessionGetPayload<{ select: typeof sessionRowSelect }>): SessionRow {
  const { user, createdAt, lastSeenAt, expiresAt, absoluteExpiresAt, ...rest } = found;
  return Object.freeze({
    ...rest,
    createdAt: createdAt.getTime(),
    lastSeenAt: lastSeenAt.getTime(),
    expiresAt: expiresAt.getTime(),
    absoluteExpiresAt: absoluteExpiresAt.getTime(),
    user: Object.freeze(toPublicUser(user)),
    userGeneration: user.sessionGeneration,
  });
}

const cacheKey = (tokenHash: string) => `token:${tokenHash}`;

/** Whether the row may be used at `t`: not expired, and not ended by a newer session generation. */
function isLive(row: SessionRow, t: number): boolean {
  return t < row.expiresAt && t < row.absoluteExpiresAt && row.generation === row.userGeneration;
}

export function createDatabaseStore(options: DatabaseStoreOptions): SessionStore {
  const { db, maxSessionsPerUser } = options;
  const idleMs = options.idleTimeoutSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const now = options.now ?? Date.now;
  const { cache } = options;
  const lastSeen = options.lastSeen ?? createLastSeenWriter(db);

  async function evictBeyondCap(userId: string): Promise<number> {
    const stale = await db().session.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: maxSessionsPerUser,
      select: { id: true },
    });
    if (stale.length === 0) return 0;
    return (await db().session.deleteMany({ where: { id: { in: stale.map((s) => s.id) } } })).count;
  }

  /** The session a token hash names, from the cache when it can vouch for it, else from the database. */
  function findByTokenHash(tokenHash: string): Promise<SessionRow | null> {
    return readThrough(
      cache,
      cacheKey(tokenHash),
      async () => {
        const found = await db().session.findUnique({ where: { tokenHash }, select: sessionRowSelect });
        return found && toSessionRow(found);
      },
      (row) => ({ userId: row.userId, sessionId: row.id }),
      // A hit that looks expired is read again: another instance may have extended it.
      (row) => isLive(row, now()),
    );
  }

  /** After a write that ended sessions: this instance forgets them before answering. */
  async function forgetEnded(count: number) {
    if (count > 0) await cache?.catchUp();
  }

  // One extension per session at a time: requests arriving while a session's extension is under
  // way share its outcome instead of all writing the same update.
  const extensions = new Map<string, Promise<boolean>>();

  /**
   * Slides the expiry of a live row (once per half idle lifetime), and records its use. Written
   * before the answer: the expiry decides when the session dies. False when the row is gone from
   * the database or of a generation its user has left: whatever a cache still holds, it is over.
   */
  function extend(tokenHash: string, row: SessionRow, t: number): Promise<boolean> {
    let pending = extensions.get(row.id);
    if (!pending) {
      pending = (async () => {
        const expiresAt = Math.min(t + idleMs, row.absoluteExpiresAt);
        const { count } = await db().session.updateMany({
          where: { id: row.id, generation: row.generation, user: { is: { sessionGeneration: row.generation } } },
          data: { lastSeenAt: new Date(t), expiresAt: new Date(expiresAt) },
        });
        if (count === 0) {
          cache?.forget(cacheKey(tokenHash));
          return false;
        }
        // A new object: a cached row is never changed in place (a reader may hold it).
        cache?.replace(cacheKey(tokenHash), row, Object.freeze({ ...row, lastSeenAt: t, expiresAt }));
        return true;
      })().finally(() => extensions.delete(row.id));
      extensions.set(row.id, pending);
    }
    return pending;
  }

  /** Records use in the background; the cached row shows it at once, as a new object. */
  function noteSeen(tokenHash: string, row: SessionRow, t: number) {
    lastSeen.note(row.id, t, () => cache?.forget(cacheKey(tokenHash)));
    cache?.replace(cacheKey(tokenHash), row, Object.freeze({ ...row, lastSeenAt: t }));
  }

  return {
    listsAllSessions: true,

    async createSession({ id: userId, generation }, meta, { persistent }) {
      const token = generateToken();
      const t = now();
      const createdAt = new Date(t);
      const absoluteExpiresAt = new Date(t + maxAgeMs);
      const expiresAt = new Date(Math.min(t + idleMs, absoluteExpiresAt.getTime()));
      const session = { id: generateSessionId(), createdAt, lastSeenAt: createdAt, expiresAt, userAgent: meta.userAgent?.slice(0, 512) ?? null, ip: meta.ip };
      // Inserted only while the user is still at the generation the caller checked; FOR SHARE makes
      // a concurrent "end all sessions" wait for this insert (and end it) or win first (no insert).
      const inserted = await db().$executeRaw`
        INSERT INTO "Session" (id, "tokenHash", "userId", generation, "createdAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt", "userAgent", ip, persistent)
        SELECT ${session.id}, ${hashToken(token)}, u.id, u."sessionGeneration", ${utcTimestamp(t)}, ${utcTimestamp(t)},
               ${utcTimestamp(expiresAt.getTime())}, ${utcTimestamp(absoluteExpiresAt.getTime())}, ${session.userAgent}, ${session.ip}, ${persistent}::boolean
        FROM "User" u WHERE u.id = ${userId} AND u."sessionGeneration" = ${generation}::int
        FOR SHARE`;
      if (inserted === 0) return null;
      // An "end all sessions" that queued behind the insert deletes with a snapshot taken before
      // it: the row stays, dead by its generation. Checked once more, so such a login says so.
      if (!(await isCurrentGeneration(db(), userId, generation))) {
        await db().session.deleteMany({ where: { id: session.id } });
        return null;
      }
      // Opportunistic clean-up of this user's dead rows, then the per-user cap (SPEC §5).
      await db().session.deleteMany({ where: { userId, OR: [{ expiresAt: { lte: createdAt } }, { generation: { not: generation } }] } });
      await forgetEnded(await evictBeyondCap(userId));
      // The cookie lives until the absolute cap (or the browser's session, when not persistent); the
      // server alone decides idle expiry, so the cookie never has to be re-sent when the session slides.
      return { cookieValue: token, maxAgeSeconds: options.maxAgeSeconds, persistent, session };
    },

    async validateSession(cookieValue) {
      if (!looksLikeToken(cookieValue)) return null;
      const tokenHash = hashToken(cookieValue);
      const row = await findByTokenHash(tokenHash);
      if (!row) return null;
      const t = now();
      if (!isLive(row, t)) {
        await forgetEnded((await db().session.deleteMany({ where: { id: row.id } })).count);
        return null;
      }
      // Sliding expiry, Lucia's rule: extend only once past half the idle lifetime, capped.
      if (row.expiresAt - t < idleMs / 2) {
        if (!(await extend(tokenHash, row, t))) return null;
      } else if (t - row.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) {
        noteSeen(tokenHash, row, t);
      }
      return { sessionId: row.id, userId: row.userId, role: row.user.role };
    },

    async loadCurrent({ userId, sessionId }, cookieValue) {
      if (!cookieValue || !looksLikeToken(cookieValue)) return null;
      const row = await findByTokenHash(hashToken(cookieValue));
      // The proxy checked this cookie moments ago; checking again costs nothing and closes the gap.
      if (!row || row.id !== sessionId || row.userId !== userId || !isLive(row, now())) return null;
      const { id, userAgent, ip, generation, persistent } = row;
      const session = { id, createdAt: new Date(row.createdAt), lastSeenAt: new Date(row.lastSeenAt), expiresAt: new Date(row.expiresAt), userAgent, ip };
      return { user: row.user, session, generation, persistent };
    },

    async invalidateSession(cookieValue) {
      if (!looksLikeToken(cookieValue)) return null;
      const row = await db().session.findUnique({ where: { tokenHash: hashToken(cookieValue) }, select: { id: true, userId: true } });
      if (!row) return null;
      await forgetEnded((await db().session.deleteMany({ where: { id: row.id } })).count);
      return { userId: row.userId, sessionId: row.id };
    },

    invalidateUserSessions(userId, endOptions) {
      return endUserSessions(db(), cache, userId, endOptions);
    },

    async invalidateUserSession(userId, sessionId) {
      // Scoped by user: another user's id answers exactly like an unknown one.
      const { count } = await db().session.deleteMany({ where: { id: sessionId, userId } });
      await forgetEnded(count);
      return count > 0;
    },

    // Every live row of the user's, the caller's own among them.
    async listUserSessions(userId): Promise<SessionInfo[]> {
      // The list shows last-seen times up to this moment; if they cannot be written, a little older.
      await lastSeen.flush().catch((error: unknown) => console.error("database sessions: cannot record last-seen times", error));
      const t = new Date(now());
      const user = await db().user.findUnique({
        where: { id: userId },
        select: {
          sessionGeneration: true,
          sessions: { where: { expiresAt: { gt: t }, absoluteExpiresAt: { gt: t } }, orderBy: { lastSeenAt: "desc" }, select: { ...sessionInfoSelect, generation: true } },
        },
      });
      // A row of an older generation is already dead; its delete may simply not have landed yet.
      return (user?.sessions ?? [])
        .filter((s) => s.generation === user?.sessionGeneration)
        .map(({ id, createdAt, lastSeenAt, expiresAt, userAgent, ip }) => ({ id, createdAt, lastSeenAt, expiresAt, userAgent, ip }));
    },

    async countActiveSessions(userIds) {
      const t = new Date(now());
      const [groups, users] = await Promise.all([
        db().session.groupBy({
          by: ["userId", "generation"],
          where: { userId: { in: [...userIds] }, expiresAt: { gt: t }, absoluteExpiresAt: { gt: t } },
          _count: { _all: true },
        }),
        db().user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, sessionGeneration: true } }),
      ]);
      // Rows of a generation the user has left are dead, like expired ones (isLive above).
      const generationOf = new Map(users.map((u) => [u.id, u.sessionGeneration]));
      const counts = new Map(userIds.map((id) => [id, 0]));
      for (const group of groups) {
        if (group.generation === generationOf.get(group.userId)) counts.set(group.userId, group._count._all);
      }
      return counts;
    },
  };
}

/**
 * Rows that can never be valid again: past their idle or absolute expiry, or of a generation the
 * user has left (an insert that won its race with "end all sessions"). Live rows are never touched.
 */
export async function deleteDeadSessionRows(db: Db, at: Date): Promise<CleanupCounts> {
  const expired = await db.session.deleteMany({ where: { OR: [{ expiresAt: { lte: at } }, { absoluteExpiresAt: { lte: at } }] } });
  const ended = await db.$executeRaw`DELETE FROM "Session" s USING "User" u WHERE s."userId" = u.id AND s.generation <> u."sessionGeneration"`;
  return { sessions: expired.count + ended };
}

// One writer per process: proxy.ts (which sees the requests) and the app (whose session list
// flushes before reading) are separate bundles, each with its own store.
const globalForLastSeen = globalThis as typeof globalThis & { cloakroomLastSeen?: LastSeenWriter };

export const databaseStrategy: SessionStrategy = {
  createStore: ({ db, env, now, cache }) =>
    createDatabaseStore({
      db,
      idleTimeoutSeconds: env.idleTimeoutSeconds,
      maxAgeSeconds: env.maxAgeSeconds,
      maxSessionsPerUser: env.maxSessionsPerUser,
      now,
      cache,
      lastSeen: (globalForLastSeen.cloakroomLastSeen ??= createLastSeenWriter(db)),
    }),
  deleteExpired: deleteDeadSessionRows,
};
