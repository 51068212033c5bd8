import { lua, type RedisConnection } from "@/lib/redis";
import type { LimitCheck, RateLimitStore, Reservation } from "@/lib/rate-limit/types";

/**
 * The rate-limit store in Redis (REDIS_URL set, any session strategy; SPEC §9): the same counts,
 * holds, lock-outs and doubling as lib/rate-limit/database.ts, one Lua script per update, so
 * every update is atomic and a burst of parallel attempts is counted exactly. A hand-written
 * script rather than rate-limiter-flexible: its limiters count hits, and have no held attempts
 * that are given back (issue 10) nor a lock-out that starts only on the failure reaching the limit.
 *
 * One hash per key (`<prefix><key>`): count, pending (held attempts), ws (window start, epoch ms),
 * strikes (lock-outs so far), bu (blocked until, epoch ms). It expires (PEXPIREAT) a full maximum
 * block after its window ends, as the database row's expiresAt.
 */

const retryAfter = (untilMs: number, now: number) => Math.max(1, Math.ceil((untilMs - now) / 1000));

// Held attempts end within one password check: a client refused because the limit is held by
// attempts still in flight may ask again almost at once.
const HELD_RETRY_AFTER_SECONDS = 1;

// Shared by the scripts: the key's state, `fresh` (its window is over) and `blocked` at `now`.
const STATE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local r = redis.call('HMGET', KEYS[1], 'count', 'pending', 'ws', 'strikes', 'bu')
local exists = r[3] ~= false
local count, pending, ws, strikes = tonumber(r[1] or '0'), tonumber(r[2] or '0'), tonumber(r[3] or '0'), tonumber(r[4] or '0')
local bu = r[5] and tonumber(r[5]) or nil
local fresh = ws + window <= now
local blocked = bu ~= nil and bu > now
`;

// KEYS: the key. ARGV: now, window ms, limit, max block ms, hold window ('' when not held).
// Counts one failure; the one reaching the limit starts a lock-out (window × 2^strikes, capped).
// Returns {1} when counted, {0, blocked until} while locked out.
const COUNT_FAILURE = lua(`${STATE}
local limit = tonumber(ARGV[3])
local maxBlock = tonumber(ARGV[4])
if blocked then return {0, tostring(bu)} end
local n, newWs, newPending, newStrikes, newBu
if not exists then
  if 1 >= limit then
    newBu = now + math.min(window, maxBlock)
    n, newWs, newPending, newStrikes = 0, newBu, 0, 1
  else
    n, newWs, newPending, newStrikes = 1, now, 0, 0
  end
else
  n = fresh and 1 or count + 1
  local trips = n >= limit
  local ownHold = ARGV[5] ~= '' and math.abs(ws - tonumber(ARGV[5])) < 0.5
  if trips then
    newBu = now + math.min(window * 2 ^ math.min(strikes, 40), maxBlock)
    n, newWs, newPending, newStrikes = 0, newBu, 0, strikes + 1
  else
    newWs = fresh and now or ws
    newPending = fresh and 0 or (ownHold and math.max(pending - 1, 0) or pending)
    newStrikes = strikes
  end
end
redis.call('HSET', KEYS[1], 'count', n, 'pending', newPending, 'ws', string.format('%.0f', newWs), 'strikes', newStrikes)
if newBu then redis.call('HSET', KEYS[1], 'bu', string.format('%.0f', newBu)) else redis.call('HDEL', KEYS[1], 'bu') end
redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', newWs + window + maxBlock))
return {1}`);

// KEYS: the key. ARGV: now, window ms, limit, max block ms. Holds one attempt.
// Returns {1, window start} when held, {0, blocked until} while locked out, {2} while full.
const RESERVE = lua(`${STATE}
local limit = tonumber(ARGV[3])
local keep = tonumber(ARGV[4])
if blocked then return {0, tostring(bu)} end
if exists and not fresh and count + pending >= limit then return {2} end
local newWs = (exists and not fresh) and ws or now
redis.call('HSET', KEYS[1], 'count', (exists and not fresh) and count or 0, 'pending', (exists and not fresh) and pending + 1 or 1,
  'ws', string.format('%.0f', newWs), 'strikes', strikes)
redis.call('HDEL', KEYS[1], 'bu')
local expires = newWs + window + keep
if redis.call('PEXPIRETIME', KEYS[1]) < expires then redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', expires)) end
return {1, string.format('%.0f', newWs)}`);

// KEYS: the key. ARGV: now, window ms, hold window. Gives a hold back, if it is still this window's.
const RELEASE = lua(`${STATE}
if exists and pending > 0 and not fresh and math.abs(ws - tonumber(ARGV[3])) < 0.5 then
  redis.call('HSET', KEYS[1], 'pending', pending - 1)
end
return 1`);

// KEYS: the key. Failures and lock-outs are forgotten; attempts other requests still hold are not.
const RESET = lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'count', 0, 'strikes', 0)
  redis.call('HDEL', KEYS[1], 'bu')
end
return 1`);

export function createRedisRateLimitStore(redis: () => RedisConnection, prefix = "cr:rl:"): RateLimitStore {
  const keyOf = (key: string) => `${prefix}${key}`;

  async function countFailure(key: string, rule: { limit: number; windowSeconds: number; maxBlockSeconds: number }, now: number, holdWindow: number | null): Promise<LimitCheck> {
    const reply = await redis().script(
      COUNT_FAILURE,
      [keyOf(key)],
      [now, rule.windowSeconds * 1000, rule.limit, rule.maxBlockSeconds * 1000, holdWindow === null ? "" : holdWindow],
    );
    const [counted, until] = reply as [number, string?];
    return counted === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: retryAfter(Number(until), now) };
  }

  return {
    async check(keys, now) {
      // One read per key: keys of different accounts may sit on different cluster nodes.
      const untils = await Promise.all(keys.map((key) => redis().command(["HGET", keyOf(key), "bu"])));
      const until = Math.max(0, ...untils.map((value) => (typeof value === "string" ? Number(value) : 0)));
      return until > now ? { allowed: false, retryAfterSeconds: retryAfter(until, now) } : { allowed: true };
    },

    async reserve(key, rule, now): Promise<Reservation> {
      const reply = (await redis().script(RESERVE, [keyOf(key)], [now, rule.windowSeconds * 1000, rule.limit, rule.maxBlockSeconds * 1000])) as [number, string?];
      if (reply[0] === 1) return { allowed: true, key, rule, window: Number(reply[1]) };
      if (reply[0] === 0) return { allowed: false, retryAfterSeconds: retryAfter(Number(reply[1]), now) };
      return { allowed: false, retryAfterSeconds: HELD_RETRY_AFTER_SECONDS };
    },

    async failed(hold, now) {
      await countFailure(hold.key, hold.rule, now, hold.window);
    },

    async release(hold, now) {
      await redis().script(RELEASE, [keyOf(hold.key)], [now, hold.rule.windowSeconds * 1000, hold.window]);
    },

    hit(key, rule, now) {
      return countFailure(key, rule, now, null);
    },

    async reset(key) {
      await redis().script(RESET, [keyOf(key)], []);
    },
  };
}
