import type { Db } from "@/lib/db";
import { readThrough, type SessionCache } from "@/lib/session/cache";
import { toPublicRole, toPublicUser } from "@/lib/users";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/session/token";
import type { SessionInfo, SessionStore } from "@/lib/session/types";

export type DatabaseStoreOptions = {
  db: () => Db;
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  maxSessionsPerUser: number;
  now?: () => number;
  /** Spares the per-request lookup; without one, every request reads the database. */
  cache?: SessionCache;
};

// last_seen_at is for the session list, not for security: writing it at most once a minute
// keeps most requests to a single read.
const LAST_SEEN_RESOLUTION_MS = 60_000;

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
  user: { select: { id: true, email: true, name: true, role: true } },
} as const;

type SessionRow = {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  user: { id: string; email: string; name: string | null; role: "USER" | "ADMIN" };
};

export function createDatabaseStore(options: DatabaseStoreOptions): SessionStore {
  const { db, maxSessionsPerUser } = options;
  const idleMs = options.idleTimeoutSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const now = options.now ?? Date.now;
  const { cache } = options;

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

  /** The session a token names, from the cache when it can vouch for it, else from the database. */
  function findByToken(token: string): Promise<SessionRow | null> {
    const tokenHash = hashToken(token);
    return readThrough(
      cache,
      `token:${tokenHash}`,
      () => db().session.findUnique({ where: { tokenHash }, select: sessionRowSelect }),
      (row) => ({ userId: row.userId, sessionId: row.id }),
      // A hit that looks expired is read again: another instance may have extended it.
      (row) => now() < row.expiresAt.getTime(),
    );
  }

  /** After a write that ended sessions: this instance forgets them before answering. */
  async function forgetEnded(count: number) {
    if (count > 0) await cache?.catchUp();
  }

  return {
    strategy: "database",

    async createSession({ id: userId }, meta) {
      const token = generateToken();
      const createdAt = new Date(now());
      const absoluteExpiresAt = new Date(createdAt.getTime() + maxAgeMs);
      const expiresAt = new Date(Math.min(createdAt.getTime() + idleMs, absoluteExpiresAt.getTime()));
      const session = await db().session.create({
        data: {
          id: generateSessionId(),
          tokenHash: hashToken(token),
          userId,
          createdAt,
          lastSeenAt: createdAt,
          expiresAt,
          absoluteExpiresAt,
          userAgent: meta.userAgent?.slice(0, 512) ?? null,
          ip: meta.ip,
        },
        select: sessionInfoSelect,
      });
      // Opportunistic clean-up of this user's dead rows, then the per-user cap (SPEC §5).
      await db().session.deleteMany({ where: { userId, expiresAt: { lte: createdAt } } });
      await forgetEnded(await evictBeyondCap(userId));
      // The cookie lives until the absolute cap; the server alone decides idle expiry, so the
      // cookie never has to be re-sent when the session slides.
      return { cookieValue: token, maxAgeSeconds: options.maxAgeSeconds, session };
    },

    async validateSession(cookieValue) {
      if (!looksLikeToken(cookieValue)) return null;
      const row = await findByToken(cookieValue);
      if (!row) return null;
      const t = now();
      if (t >= row.expiresAt.getTime() || t >= row.absoluteExpiresAt.getTime()) {
        await forgetEnded((await db().session.deleteMany({ where: { id: row.id } })).count);
        return null;
      }
      // Sliding expiry, Lucia's rule: extend only once past half the idle lifetime, capped.
      const shouldExtend = row.expiresAt.getTime() - t < idleMs / 2;
      const shouldTouch = t - row.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS;
      if (shouldExtend || shouldTouch) {
        const previous = { lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt };
        const expiresAt = shouldExtend ? new Date(Math.min(t + idleMs, row.absoluteExpiresAt.getTime())) : row.expiresAt;
        // The (possibly cached) row changes first, so the requests that arrive meanwhile don't
        // all write the same update.
        Object.assign(row, { lastSeenAt: new Date(t), expiresAt });
        try {
          await db().session.updateMany({ where: { id: row.id }, data: { lastSeenAt: row.lastSeenAt, expiresAt } });
        } catch (error) {
          Object.assign(row, previous);
          throw error;
        }
      }
      return { sessionId: row.id, userId: row.userId, role: toPublicRole(row.user.role) };
    },

    async loadCurrent({ userId, sessionId }, cookieValue) {
      if (!cookieValue || !looksLikeToken(cookieValue)) return null;
      const row = await findByToken(cookieValue);
      // The proxy checked this cookie moments ago; checking again costs nothing and closes the gap.
      if (!row || row.id !== sessionId || row.userId !== userId || row.expiresAt.getTime() <= now()) return null;
      const { id, createdAt, lastSeenAt, expiresAt, userAgent, ip } = row;
      return { user: toPublicUser(row.user), session: { id, createdAt, lastSeenAt, expiresAt, userAgent, ip } };
    },

    async invalidateSession(cookieValue) {
      if (!looksLikeToken(cookieValue)) return null;
      const row = await db().session.findUnique({ where: { tokenHash: hashToken(cookieValue) }, select: { id: true, userId: true } });
      if (!row) return null;
      await forgetEnded((await db().session.deleteMany({ where: { id: row.id } })).count);
      return { userId: row.userId, sessionId: row.id };
    },

    async invalidateUserSessions(userId) {
      await forgetEnded((await db().session.deleteMany({ where: { userId } })).count);
    },

    async invalidateUserSession(userId, sessionId) {
      // Scoped by user: another user's id answers exactly like an unknown one.
      const { count } = await db().session.deleteMany({ where: { id: sessionId, userId } });
      await forgetEnded(count);
      return count > 0;
    },

    async listUserSessions(userId): Promise<SessionInfo[]> {
      return db().session.findMany({
        where: { userId, expiresAt: { gt: new Date(now()) } },
        orderBy: { lastSeenAt: "desc" },
        select: sessionInfoSelect,
      });
    },
  };
}
