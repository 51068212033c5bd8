import type { Db } from "@/lib/db";
import { toPublicRole, toPublicUser } from "@/lib/users";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/session/token";
import type { SessionInfo, SessionStore } from "@/lib/session/types";

export type DatabaseStoreOptions = {
  db: () => Db;
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  maxSessionsPerUser: number;
  now?: () => number;
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

export function createDatabaseStore(options: DatabaseStoreOptions): SessionStore {
  const { db, maxSessionsPerUser } = options;
  const idleMs = options.idleTimeoutSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const now = options.now ?? Date.now;

  async function evictBeyondCap(userId: string) {
    const stale = await db().session.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: maxSessionsPerUser,
      select: { id: true },
    });
    if (stale.length > 0) await db().session.deleteMany({ where: { id: { in: stale.map((s) => s.id) } } });
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
      await evictBeyondCap(userId);
      // The cookie lives until the absolute cap; the server alone decides idle expiry, so the
      // cookie never has to be re-sent when the session slides.
      return { cookieValue: token, maxAgeSeconds: options.maxAgeSeconds, session };
    },

    async validateSession(cookieValue) {
      if (!looksLikeToken(cookieValue)) return null;
      const row = await db().session.findUnique({
        where: { tokenHash: hashToken(cookieValue) },
        select: {
          id: true,
          userId: true,
          lastSeenAt: true,
          expiresAt: true,
          absoluteExpiresAt: true,
          user: { select: { role: true } },
        },
      });
      if (!row) return null;
      const t = now();
      if (t >= row.expiresAt.getTime() || t >= row.absoluteExpiresAt.getTime()) {
        await db().session.deleteMany({ where: { id: row.id } });
        return null;
      }
      // Sliding expiry, Lucia's rule: extend only once past half the idle lifetime, capped.
      const shouldExtend = row.expiresAt.getTime() - t < idleMs / 2;
      const shouldTouch = t - row.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS;
      if (shouldExtend || shouldTouch) {
        const expiresAt = shouldExtend ? new Date(Math.min(t + idleMs, row.absoluteExpiresAt.getTime())) : undefined;
        await db().session.updateMany({ where: { id: row.id }, data: { lastSeenAt: new Date(t), expiresAt } });
      }
      return { sessionId: row.id, userId: row.userId, role: toPublicRole(row.user.role) };
    },

    async loadCurrent({ userId, sessionId }) {
      const row = await db().session.findUnique({
        where: { id: sessionId },
        select: { ...sessionInfoSelect, userId: true, user: true },
      });
      // The proxy checked expiry moments ago; checking again costs nothing and closes the gap.
      if (!row || row.userId !== userId || row.expiresAt.getTime() <= now()) return null;
      const { id, createdAt, lastSeenAt, expiresAt, userAgent, ip } = row;
      return { user: toPublicUser(row.user), session: { id, createdAt, lastSeenAt, expiresAt, userAgent, ip } };
    },

    async invalidateSession(cookieValue) {
      if (!looksLikeToken(cookieValue)) return null;
      const row = await db().session.findUnique({ where: { tokenHash: hashToken(cookieValue) }, select: { id: true, userId: true } });
      if (!row) return null;
      await db().session.deleteMany({ where: { id: row.id } });
      return { userId: row.userId, sessionId: row.id };
    },

    async invalidateUserSessions(userId) {
      await db().session.deleteMany({ where: { userId } });
    },

    async invalidateUserSession(userId, sessionId) {
      // Scoped by user: another user's id answers exactly like an unknown one.
      const { count } = await db().session.deleteMany({ where: { id: sessionId, userId } });
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
