import { createHash, hash } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { DEFAULT_MAX_ENTRIES, readThrough, type SessionCache } from "@/lib/session/cache";
import { LruMap, reportCacheStats } from "@/lib/session/lru";
import { endUserSessions, isCurrentGeneration } from "@/lib/session/generation";
import { toPublicRole, toPublicUser, type SessionUserRow } from "@/lib/users";
import { generateSessionId } from "@/lib/token";
import type { CleanupCounts, SessionStore, SessionStrategy } from "@/lib/session/types";

export type SealedCookieStoreOptions = {
  db: () => Db;
  /** Newest first: the first seals, all unseal (SPEC §2). */
  secrets: string[];
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  now?: () => number;
  /** Spares the per-request revocation read; without one, every request reads the database. */
  cache?: SessionCache;
  /** Shared by the stores of one process that use the same secrets; else the store's own. */
  memo?: SealMemo;
};

// Unsealing costs ~0.4 ms (key derivation, HMAC and AES through WebCrypto). Its result depends on
// the cookie string and the secrets alone, so each string is unsealed once per process; expiry
// is still checked on every use. Only genuine seals are remembered: garbage cannot fill this.
// As many as the session cache holds (a hit for every session of a 100,000-session server).
const SEAL_MEMO_SIZE = DEFAULT_MAX_ENTRIES;

/** SHA-256 of a cookie string → its payload, for one list of secrets. */
export type SealMemo = LruMap<Seal>;

export function createSealMemo(): SealMemo {
  return new LruMap<Seal>(SEAL_MEMO_SIZE);
}

// Everything a request needs without a database read. Times are epoch milliseconds.
// v2 carries the session generation (issue 10); v1 seals, which compared issue times with a
// revocation instant, are refused, so their holders sign in again once after the upgrade.
const SealSchema = z.object({
  v: z.literal(2),
  sid: z.string().min(1),
  uid: z.string().min(1),
  role: z.enum(["user", "admin"]),
  gen: z.number().int().nonnegative(),
  iat: z.number().int(),
  exp: z.number().int(),
  abs: z.number().int(),
  ua: z.string().nullable(),
  ip: z.string().nullable(),
  // "Remember me": absent in seals made before it existed, which were all persistent.
  per: z.boolean().default(true),
});
type Seal = z.infer<typeof SealSchema>;

/**
 * iron-session names each password by a number. Derived from the secret itself, an id stays the
 * same when older secrets are dropped from the list; positional ids would renumber the newest and
 * log everybody out.
 */
export function passwordId(secret: string): number {
  return Number.parseInt(createHash("sha256").update(secret).digest("hex").slice(0, 12), 16);
}

/**
 * Exactly what `seal()` below issues: iron's eight fields (prefix, numeric password id, 256-bit hex
 * salt, 128-bit IV, ciphertext, expiry, 256-bit hex salt, HMAC-SHA256 digest) and iron-session's
 * `~2`. The suffix and the digest's base64url spelling sit outside the HMAC and are read leniently
 * (iron-session drops everything from the first `~`; the decoder ignores the digest's two unused
 * bits), so anything but the canonical form is refused before unsealing (ASVS 3.5.3).
 */
const ISSUED_SEAL =
  /^Fe26\.2\*(?:0|[1-9]\d{0,15})\*[0-9a-f]{64}\*[A-Za-z0-9_-]{21}[AQgw]\*[A-Za-z0-9_-]+\*[1-9]\d*\*[0-9a-f]{64}\*[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]~2$/;

/** The password id an iron seal was made with (`Fe26.2*<id>*…`). */
function sealPasswordId(cookieValue: string): string | undefined {
  return cookieValue.split("*")[1];
}

type UserRow = SessionUserRow & { revoked: boolean };

export function createSealedCookieStore(options: SealedCookieStoreOptions): SessionStore {
  const { db } = options;
  const idleMs = options.idleTimeoutSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const now = options.now ?? Date.now;
  const newest = options.secrets[0]!;
  const newestId = String(passwordId(newest));
  // Seal with a one-entry map (iron-session seals with the highest id, which says nothing about age).
  const sealingPassword = { [newestId]: newest };
  const unsealingPasswords = Object.fromEntries(options.secrets.map((secret) => [passwordId(secret), secret]));
  const { cache } = options;
  const unsealed = options.memo ?? createSealMemo();

  async function seal(payload: Seal) {
    // The seal itself expires with the session's absolute lifetime, whatever the payload says.
    const maxAgeSeconds = Math.max(1, Math.ceil((payload.abs - now()) / 1000));
    const cookieValue = await sealData(payload, { password: sealingPassword, ttl: maxAgeSeconds });
    // A re-seal (sliding expiry, newer secret) keeps the session's choice: it travels in the payload.
    return { cookieValue, maxAgeSeconds, persistent: payload.per };
  }

  /** The payload of a genuine, unexpired seal; null for tampered, foreign-secret or stale ones. */
  async function open(cookieValue: string): Promise<Seal | null> {
    // Keyed by the cookie's SHA-256 (43 characters instead of ~450): ~400 bytes less per entry.
    const memoKey = hash("sha256", cookieValue, "base64url");
    let payload = unsealed.get(memoKey);
    if (!payload) {
      if (!ISSUED_SEAL.test(cookieValue)) return null;
      // A bad seal quietly unseals to {}: only the schema tells it from a good one.
      const data = await unsealData<unknown>(cookieValue, { password: unsealingPasswords, ttl: options.maxAgeSeconds });
      const parsed = SealSchema.safeParse(data);
      if (!parsed.success) return null;
      payload = Object.freeze(parsed.data);
      unsealed.set(memoKey, payload);
    }
    const t = now();
    return t < payload.exp && t < payload.abs ? payload : null;
  }

  /** The user, the per-user revocation marker and the revoked-id check: cached, or one round trip. */
  function readUser(seal: Seal): Promise<UserRow | null> {
    return readThrough(
      cache,
      `seal:${seal.uid}:${seal.sid}`,
      async () => {
        const rows = await db().$queryRaw<UserRow[]>(Prisma.sql`
          SELECT u.id, u.email, u.name, u.role::text AS role, u."emailVerifiedAt", u."sessionGeneration",
                 EXISTS (SELECT 1 FROM "RevokedSession" r WHERE r.id = ${seal.sid}) AS revoked
          FROM "User" u WHERE u.id = ${seal.uid}`);
        return rows[0] ?? null;
      },
      () => ({ userId: seal.uid, sessionId: seal.sid }),
    );
  }

  async function loadUser(seal: Seal): Promise<UserRow | null> {
    const user = await readUser(seal);
    if (!user || user.revoked) return null;
    // Every session of the user ended since this one was sealed: a count, so no clock is compared.
    if (user.sessionGeneration !== seal.gen) return null;
    // A role change revokes sessions too; a mismatch means this cookie predates it.
    if (toPublicRole(user.role) !== seal.role) return null;
    return user;
  }

  return {
    // A seal is recorded nowhere: the store knows only the session it is shown.
    listsAllSessions: false,

    async createSession(subject, meta, { persistent }) {
      const t = now();
      const payload: Seal = {
        v: 2,
        sid: generateSessionId(),
        uid: subject.id,
        role: subject.role,
        gen: subject.generation,
        iat: t,
        exp: Math.min(t + idleMs, t + maxAgeMs),
        abs: t + maxAgeMs,
        ua: meta.userAgent?.slice(0, 256) ?? null,
        ip: meta.ip,
        per: persistent,
      };
      const sealed = await seal(payload);
      // Nothing is stored, so the check comes after sealing: a seal of a generation that moved on
      // meanwhile is never handed out (and would be refused by loadUser if it were).
      if (!(await isCurrentGeneration(db(), subject.id, subject.generation))) return null;
      return { ...sealed, session: infoOf(payload, t) };
    },

    async validateSession(cookieValue, { checkRevocation = false } = {}) {
      const payload = await open(cookieValue);
      if (!payload) return null;
      if (checkRevocation && !(await loadUser(payload))) return null;
      const t = now();
      // Same sliding rule as the database strategy; a seal made with an older secret is re-sealed
      // with the newest on its next use, so old secrets can be dropped after one idle period.
      const shouldExtend = payload.exp - t < idleMs / 2;
      const staleSecret = sealPasswordId(cookieValue) !== newestId;
      const refreshed =
        shouldExtend || staleSecret
          ? await seal({ ...payload, exp: shouldExtend ? Math.min(t + idleMs, payload.abs) : payload.exp })
          : undefined;
      return { sessionId: payload.sid, userId: payload.uid, role: payload.role, ...(refreshed ? { refreshed } : {}) };
    },

    async loadCurrent(claims, cookieValue) {
      const payload = cookieValue ? await open(cookieValue) : null;
      if (!payload || payload.sid !== claims.sessionId || payload.uid !== claims.userId) return null;
      const user = await loadUser(payload);
      return user && { user: toPublicUser(user), session: infoOf(payload, now()), generation: payload.gen, persistent: payload.per };
    },

    async invalidateSession(cookieValue) {
      const payload = await open(cookieValue);
      if (!payload) return null;
      // Kept until the cookie would have expired anyway; expired entries go on the way.
      await deleteExpiredRevocations(db(), new Date(now()));
      try {
        await db().revokedSession.createMany({
          data: [{ id: payload.sid, userId: payload.uid, expiresAt: new Date(payload.abs) }],
          skipDuplicates: true,
        });
      } catch (error) {
        // The user is gone (foreign key): so is every session of theirs.
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003")) throw error;
      }
      // This instance forgets the session before answering; the others within a second.
      await cache?.catchUp();
      return { userId: payload.uid, sessionId: payload.sid };
    },

    invalidateUserSessions(userId, endOptions) {
      return endUserSessions(db(), cache, userId, endOptions);
    },

    async listUserSessions(_userId, current) {
      return [current];
    },

    // Only the seal itself names its owner; another session's id alone proves nothing.
    async invalidateUserSession() {
      return false;
    },

    async countActiveSessions() {
      return null;
    },
  };
}

/** Revoked session ids whose cookies would have expired anyway: nothing can present them again. */
export async function deleteExpiredRevocations(db: Db, at: Date): Promise<CleanupCounts> {
  return { revokedSessions: (await db.revokedSession.deleteMany({ where: { expiresAt: { lte: at } } })).count };
}

// One memo per process for its secrets: proxy.ts and the app are separate bundles, each with a
// store, and a cookie unsealed by one need not be unsealed again (nor held twice) by the other.
const globalForSeals = globalThis as typeof globalThis & { cloakroomSealMemo?: { secrets: string; memo: SealMemo } };

function sharedSealMemo(secrets: string[]): SealMemo {
  // Tied to the secrets (hashed): a memo never answers for a store with other secrets; new ones replace it.
  const fingerprint = createHash("sha256").update(JSON.stringify(secrets)).digest("base64url");
  const shared = globalForSeals.cloakroomSealMemo;
  if (shared?.secrets === fingerprint) return shared.memo;
  const memo = createSealMemo();
  globalForSeals.cloakroomSealMemo = { secrets: fingerprint, memo };
  reportCacheStats("seal", () => memo.stats());
  return memo;
}

export const sealedCookieStrategy: SessionStrategy = {
  createStore: ({ db, env, now, cache }) =>
    createSealedCookieStore({
      db,
      secrets: env.sessionSecrets,
      idleTimeoutSeconds: env.idleTimeoutSeconds,
      maxAgeSeconds: env.maxAgeSeconds,
      now,
      cache,
      memo: sharedSealMemo(env.sessionSecrets),
    }),
  deleteExpired: deleteExpiredRevocations,
};

function infoOf(payload: Seal, t: number) {
  return {
    id: payload.sid,
    createdAt: new Date(payload.iat),
    lastSeenAt: new Date(t),
    expiresAt: new Date(payload.exp),
    userAgent: payload.ua,
    ip: payload.ip,
  };
}
