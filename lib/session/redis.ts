import { hash } from "node:crypto";
import type { Db } from "@/lib/db";
import { lua, sharedRedis, type RedisConnection } from "@/lib/redis";
import { readThrough, type SessionCache } from "@/lib/session/cache";
import { endUserSessions, isCurrentGeneration } from "@/lib/session/generation";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/token";
import { sessionUserSelect, toPublicRole, toPublicUser, type SessionUserRow } from "@/lib/users";
import type { SessionInfo, SessionStore, SessionStrategy } from "@/lib/session/types";

/**
 * SESSION_STRATEGY=redis (SPEC §9): sessions live in Redis, users and everything else in
 * PostgreSQL. Key layout (docs/architecture.md), all of one user's keys in one cluster slot:
 *
 *   <prefix>{<tag>}:s:<sha256(token)>   hash: the session (public id, user, role, generation, times, UA, IP)
 *   <prefix>{<tag>}:u:<userId>:sessions sorted set: the user's token hashes, scored by creation time
 *   <prefix>{<tag>}:u:<userId>:gen      string: the user's session generation, as last ended here
 *
 * `<tag>` is 16 hex characters of SHA-256 of the user id; the cookie is `<tag>.<token>`, so the
 * session key is found from the cookie alone. The token never reaches Redis, only its hash.
 */

export type RedisStoreOptions = {
  db: () => Db;
  redis: () => RedisConnection;
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  maxSessionsPerUser: number;
  now?: () => number;
  /** Key prefix; tests give each run its own. */
  prefix?: string;
  /** Spares the user read in loadCurrent (PostgreSQL data, kept honest by its revocation log). */
  cache?: SessionCache;
};

// last-seen is for the session list, not for security: written at most once a minute.
const LAST_SEEN_RESOLUTION_MS = 60_000;
const TAG = /^[0-9a-f]{16}$/;
// Hash fields in the order every script returns them.
const FIELDS = ["id", "uid", "role", "gen", "created", "seen", "exp", "abs", "ua", "ip", "per"] as const;
type Fields = Record<(typeof FIELDS)[number], string>;

/** The hash tag of a user's keys: a fixed-length name that says nothing readable about the user. */
export function userTag(userId: string): string {
  return hash("sha256", userId, "hex").slice(0, 16);
}

/** Splits `<tag>.<token>`; null for anything else (no Redis call for garbage). */
export function parseRedisCookie(cookieValue: string): { tag: string; token: string } | null {
  const dot = cookieValue.indexOf(".");
  const tag = cookieValue.slice(0, dot);
  const token = cookieValue.slice(dot + 1);
  return dot === 16 && TAG.test(tag) && looksLikeToken(token) ? { tag, token } : null;
}

// Shared Lua. Generations wrap at 2^31 - 1 (lib/session/generation.ts), so "a is behind b" means
// b is less than half the ring ahead of a. The user's gen key is a floor: sessions of a generation
// behind it are dead, and it only ever moves forward.
const BEHIND = `
local function behind(a, b)
  local d = (tonumber(b) - tonumber(a)) % 2147483647
  return d > 0 and d < 1073741824
end
`;

// A session is live while it exists, is not past either expiry and is not of a generation behind
// the floor (when Redis knows one). Dead ones are deleted as they are met.
const LIVE = `${BEHIND}
local function live(key, floor, now)
  local s = redis.call('HMGET', key, ${FIELDS.map((f) => `'${f}'`).join(", ")})
  if not s[1] then return nil end
  if (floor and behind(s[4], floor)) or now >= tonumber(s[7]) or now >= tonumber(s[8]) then
    redis.call('DEL', key)
    return nil
  end
  return s
end
`;

// KEYS: session. ARGV: the tag's user key prefix, now, idle ms, last-seen resolution ms, token
// hash. The owner's index and generation keys are named from the session's user id: same tag,
// same slot. Returns the fields (after sliding), or nil. The proxy's one round trip per request.
const VALIDATE = lua(`${LIVE}
local now = tonumber(ARGV[2])
local uid = redis.call('HGET', KEYS[1], 'uid')
if not uid then return nil end
local user = ARGV[1] .. uid
local s = live(KEYS[1], redis.call('GET', user .. ':gen'), now)
if not s then
  redis.call('ZREM', user .. ':sessions', ARGV[5])
  return nil
end
local idle = tonumber(ARGV[3])
local exp = tonumber(s[7])
-- Sliding expiry, as the database strategy: extended only past half the idle lifetime, capped.
if exp - now < idle / 2 then
  exp = math.min(now + idle, tonumber(s[8]))
  s[7] = tostring(exp)
  s[6] = ARGV[2]
  redis.call('HSET', KEYS[1], 'exp', s[7], 'seen', s[6])
  redis.call('PEXPIREAT', KEYS[1], exp)
elseif now - tonumber(s[6]) >= tonumber(ARGV[4]) then
  s[6] = ARGV[2]
  redis.call('HSET', KEYS[1], 'seen', s[6])
end
return s`);

// KEYS: session, index, gen. ARGV: session key prefix, token hash, now, generation, cap,
// then the fields. 0 when Redis holds a newer generation than the caller's (no session), else 1.
// Dead members are dropped from the index, then the oldest beyond the cap are ended.
const CREATE = lua(`${LIVE}
local now = tonumber(ARGV[3])
local floor = redis.call('GET', KEYS[3])
if floor and behind(ARGV[4], floor) then return 0 end
-- The caller read its generation from PostgreSQL, which only moves forward: when Redis is behind
-- it (an "end all" whose Redis step failed, or none recorded yet), the caller's is the floor now,
-- and sessions of older generations go. Refusing instead would lock the user out until the key expired.
if not floor or behind(floor, ARGV[4]) then
  redis.call('SET', KEYS[3], ARGV[4])
  floor = ARGV[4]
end
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if not live(ARGV[1] .. member, floor, now) then redis.call('ZREM', KEYS[2], member) end
end
local fields = {}
for i = 6, #ARGV, 2 do
  if ARGV[i + 1] ~= '' then
    fields[#fields + 1] = ARGV[i]
    fields[#fields + 1] = ARGV[i + 1]
  end
end
redis.call('HSET', KEYS[1], unpack(fields))
local created, exp, abs
for i = 6, #ARGV, 2 do
  if ARGV[i] == 'created' then created = ARGV[i + 1] end
  if ARGV[i] == 'exp' then exp = ARGV[i + 1] end
  if ARGV[i] == 'abs' then abs = tonumber(ARGV[i + 1]) end
end
redis.call('PEXPIREAT', KEYS[1], exp)
redis.call('ZADD', KEYS[2], created, ARGV[2])
-- The oldest beyond the cap go, never the session being made: on a tie in creation time (same
-- millisecond) or another instance's clock running ahead, it may not sort last.
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if extra > 0 then
  for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if extra <= 0 then break end
    if member ~= ARGV[2] then
      redis.call('DEL', ARGV[1] .. member)
      redis.call('ZREM', KEYS[2], member)
      extra = extra - 1
    end
  end
end
-- The index and the generation outlive every session they describe, and no longer.
if redis.call('PEXPIRETIME', KEYS[2]) < abs then redis.call('PEXPIREAT', KEYS[2], abs) end
if redis.call('PEXPIRETIME', KEYS[3]) < abs then redis.call('PEXPIREAT', KEYS[3], abs) end
return 1`);

// KEYS: session. ARGV: the tag's user key prefix, token hash. Returns {user id, public id} of
// the session ended, or nil.
const END_BY_TOKEN = lua(`
local s = redis.call('HMGET', KEYS[1], 'uid', 'id')
if not s[1] then return nil end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[1] .. s[1] .. ':sessions', ARGV[2])
return s`);

// KEYS: index. ARGV: session key prefix, public id. 1 when one of the user's sessions had that id.
const END_BY_ID = lua(`
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local id = redis.call('HGET', ARGV[1] .. member, 'id')
  if not id then
    redis.call('ZREM', KEYS[1], member)
  elseif id == ARGV[2] then
    redis.call('DEL', ARGV[1] .. member)
    redis.call('ZREM', KEYS[1], member)
    return 1
  end
end
return 0`);

// KEYS: index, gen. ARGV: session key prefix, new generation, its expiry (epoch ms).
// Raises the floor to the new generation (unless a newer one is recorded already: two racing
// "end all" calls land in either order) and ends every session behind it. A session of the
// floor's generation or newer was made after the newer "end all" and stays.
const END_ALL = lua(`${BEHIND}
local floor = redis.call('GET', KEYS[2])
if not floor or behind(floor, ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2])
  floor = ARGV[2]
end
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local gen = redis.call('HGET', ARGV[1] .. member, 'gen')
  if not gen or behind(gen, floor) then
    redis.call('DEL', ARGV[1] .. member)
    redis.call('ZREM', KEYS[1], member)
  end
end
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIREAT', KEYS[2], ARGV[3]) end
return 1`);

// KEYS: index, gen. ARGV: session key prefix, now, the user's generation in PostgreSQL.
// Every live session's fields, flattened. PostgreSQL's generation counts too: after an "end all"
// whose Redis step failed, Redis's floor is behind and the ended sessions are still there.
const LIST = lua(`${LIVE}
local now = tonumber(ARGV[2])
local floor = redis.call('GET', KEYS[2])
if not floor or behind(floor, ARGV[3]) then floor = ARGV[3] end
local out = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local s = live(ARGV[1] .. member, floor, now)
  if s then
    for _, value in ipairs(s) do out[#out + 1] = value or '' end
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return out`);

function fieldsOf(reply: unknown, offset = 0): Fields | null {
  if (!Array.isArray(reply) || reply[offset] === null || reply[offset] === undefined) return null;
  return Object.fromEntries(FIELDS.map((name, i) => [name, reply[offset + i] === null || reply[offset + i] === false ? "" : String(reply[offset + i])])) as Fields;
}

function infoOf(s: Fields): SessionInfo {
  return {
    id: s.id,
    createdAt: new Date(Number(s.created)),
    lastSeenAt: new Date(Number(s.seen)),
    expiresAt: new Date(Number(s.exp)),
    userAgent: s.ua === "" ? null : s.ua,
    ip: s.ip === "" ? null : s.ip,
  };
}

export function createRedisStore(options: RedisStoreOptions): SessionStore {
  const { db, redis, maxSessionsPerUser, cache } = options;
  const idleMs = options.idleTimeoutSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? "cr:";

  const sessionPrefix = (tag: string) => `${prefix}{${tag}}:s:`;
  const userPrefix = (tag: string) => `${prefix}{${tag}}:u:`;
  const userKeys = (userId: string) => {
    const tag = userTag(userId);
    const base = `${userPrefix(tag)}${userId}`;
    return { tag, sessions: `${base}:sessions`, gen: `${base}:gen`, sessionPrefix: sessionPrefix(tag) };
  };

  /** The session the cookie names, slid and touched as a request uses it; null when it is over. */
  async function readSession(cookieValue: string): Promise<Fields | null> {
    const parsed = parseRedisCookie(cookieValue);
    if (!parsed) return null;
    const tokenHash = hashToken(parsed.token);
    const reply = await redis().script(VALIDATE, [`${sessionPrefix(parsed.tag)}${tokenHash}`], [userPrefix(parsed.tag), now(), idleMs, LAST_SEEN_RESOLUTION_MS, tokenHash]);
    const fields = fieldsOf(reply);
    // A session is only ever stored under its own user's tag; anything else is not one of ours.
    return fields && userTag(fields.uid) === parsed.tag ? fields : null;
  }

  async function endByCookie(cookieValue: string): Promise<{ userId: string; sessionId: string } | null> {
    const parsed = parseRedisCookie(cookieValue);
    if (!parsed) return null;
    const tokenHash = hashToken(parsed.token);
    const ended = await redis().script(END_BY_TOKEN, [`${sessionPrefix(parsed.tag)}${tokenHash}`], [userPrefix(parsed.tag), tokenHash]);
    return Array.isArray(ended) && typeof ended[0] === "string" && typeof ended[1] === "string" ? { userId: ended[0], sessionId: ended[1] } : null;
  }

  const userCacheKey = (userId: string) => `redis-user:${userId}`;

  function readUserFresh(userId: string): Promise<SessionUserRow | null> {
    return db().user.findUnique({
      where: { id: userId },
      select: sessionUserSelect,
    });
  }

  function readUser(userId: string): Promise<SessionUserRow | null> {
    return readThrough(cache, userCacheKey(userId), () => readUserFresh(userId), (user) => ({ userId: user.id }));
  }

  async function listFields(userId: string, generation: number): Promise<Fields[]> {
    const keys = userKeys(userId);
    const reply = await redis().script(LIST, [keys.sessions, keys.gen], [keys.sessionPrefix, now(), generation]);
    const sessions: Fields[] = [];
    if (!Array.isArray(reply)) return sessions;
    for (let offset = 0; offset < reply.length; offset += FIELDS.length) {
      const fields = fieldsOf(reply, offset);
      if (fields) sessions.push(fields);
    }
    return sessions;
  }

  return {
    listsAllSessions: true,

    async createSession({ id: userId, role, generation }, meta, { persistent }) {
      const token = generateToken();
      const tokenHash = hashToken(token);
      const t = now();
      const abs = t + maxAgeMs;
      const exp = Math.min(t + idleMs, abs);
      const session: SessionInfo = {
        id: generateSessionId(),
        createdAt: new Date(t),
        lastSeenAt: new Date(t),
        expiresAt: new Date(exp),
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
        ip: meta.ip,
      };
      const keys = userKeys(userId);
      const fields: Fields = {
        id: session.id,
        uid: userId,
        role,
        gen: String(generation),
        created: String(t),
        seen: String(t),
        exp: String(exp),
        abs: String(abs),
        ua: session.userAgent ?? "",
        ip: session.ip ?? "",
        per: persistent ? "1" : "0",
      };
      const created = await redis().script(
        CREATE,
        [`${keys.sessionPrefix}${tokenHash}`, keys.sessions, keys.gen],
        [keys.sessionPrefix, tokenHash, t, generation, maxSessionsPerUser, ...FIELDS.flatMap((name) => [name, fields[name]])],
      );
      if (created !== 1) return null;
      // An "end all sessions" whose PostgreSQL write landed after the caller's check but whose
      // Redis step has not run yet: checked once more, so such a login says so (as the database strategy).
      const cookieValue = `${keys.tag}.${token}`;
      if (!(await isCurrentGeneration(db(), userId, generation))) {
        await endByCookie(cookieValue);
        return null;
      }
      // Like the database strategy: the cookie lives until the absolute cap, the server decides idle expiry.
      return { cookieValue, maxAgeSeconds: options.maxAgeSeconds, persistent, session };
    },

    async validateSession(cookieValue) {
      const s = await readSession(cookieValue);
      return s && { sessionId: s.id, userId: s.uid, role: s.role === "admin" ? "admin" : "user" };
    },

    async loadCurrent({ userId, sessionId }, cookieValue) {
      if (!cookieValue) return null;
      const [s, cached] = await Promise.all([readSession(cookieValue), readUser(userId)]);
      if (!s || s.uid !== userId || s.id !== sessionId) return null;
      const matches = (user: SessionUserRow) => String(user.sessionGeneration) === s.gen && toPublicRole(user.role) === s.role;
      let user = cached;
      if (!user || !matches(user)) {
        // A cached row may be up to a second old: a session made a moment ago on another instance
        // (a password change there: a new generation) would look stale against it. A session is
        // ended on PostgreSQL's own word only, read now.
        cache?.forget(userCacheKey(userId));
        user = await readUserFresh(userId);
        if (!user) return null;
        // PostgreSQL holds the generation (lib/session/generation.ts): a session Redis still has
        // after an "end all" whose Redis step failed is refused here all the same.
        if (!matches(user)) {
          await endByCookie(cookieValue);
          return null;
        }
      }
      return { user: toPublicUser(user), session: infoOf(s), generation: user.sessionGeneration, persistent: s.per === "1" };
    },

    invalidateSession(cookieValue) {
      return endByCookie(cookieValue);
    },

    async invalidateUserSessions(userId, endOptions) {
      // PostgreSQL first: its conditional write decides (password, generation). Then Redis ends
      // every session at once and remembers the generation, so a login racing this cannot add one.
      const generation = await endUserSessions(db(), cache, userId, endOptions);
      if (generation === null) return null;
      const keys = userKeys(userId);
      await redis().script(END_ALL, [keys.sessions, keys.gen], [keys.sessionPrefix, generation, now() + maxAgeMs]);
      return generation;
    },

    async invalidateUserSession(userId, sessionId) {
      const keys = userKeys(userId);
      // The user's own index only: another user's id answers exactly like an unknown one.
      return (await redis().script(END_BY_ID, [keys.sessions], [keys.sessionPrefix, sessionId])) === 1;
    },

    async listUserSessions(userId) {
      const user = await db().user.findUnique({ where: { id: userId }, select: { sessionGeneration: true } });
      if (!user) return [];
      const sessions = await listFields(userId, user.sessionGeneration);
      return sessions.map(infoOf).sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
    },

    async countActiveSessions(userIds) {
      const users = await db().user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, sessionGeneration: true } });
      const generationOf = new Map(users.map((u) => [u.id, u.sessionGeneration]));
      const counts = await Promise.all(
        userIds.map(async (id) => {
          const generation = generationOf.get(id);
          return [id, generation === undefined ? 0 : (await listFields(id, generation)).length] as const;
        }),
      );
      return new Map(counts);
    },
  };
}

export const redisStrategy: SessionStrategy = {
  createStore: ({ db, env, now, cache }) => {
    // lib/env.ts refuses SESSION_STRATEGY=redis without REDIS_URL; this is the type's proof of it.
    const url = env.redisUrl;
    if (!url) throw new Error("SESSION_STRATEGY=redis needs REDIS_URL");
    return createRedisStore({
      db,
      redis: () => sharedRedis(url),
      idleTimeoutSeconds: env.idleTimeoutSeconds,
      maxAgeSeconds: env.maxAgeSeconds,
      maxSessionsPerUser: env.maxSessionsPerUser,
      now,
      cache,
    });
  },
  // Redis expires sessions itself (PEXPIREAT); indexes drop dead members as they are read.
  deleteExpired: async () => ({}),
};
