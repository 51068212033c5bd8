import { createHash } from "node:crypto";
import { connectRedis, type RedisConnection } from "@/lib/redis";
import { COOKIE, createUser, expect, query, signIn, test, type TestUser } from "../fixtures";
import { statusOf } from "../support/plain-http";
import { dumpKeys } from "../support/redis-keys";
import { startNextServer, type RunningServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// SESSION_STRATEGY=redis (SPEC §9), looked at from outside and in the run's Redis database:
// the key layout, the cap, the per-user index, atomic logout-all against racing logins, and a
// revocation that holds on another instance at once.

let redis: RedisConnection;

test.beforeAll(() => {
  redis = connectRedis(process.env.REDIS_URL!, { label: "redis-strategy spec" });
});

test.afterAll(async () => {
  await redis?.close();
});

const tagOf = (userId: string) => createHash("sha256").update(userId).digest("hex").slice(0, 16);
const indexKey = (userId: string) => `cr:{${tagOf(userId)}}:u:${userId}:sessions`;
const genKey = (userId: string) => `cr:{${tagOf(userId)}}:u:${userId}:gen`;
const sessionKey = (cookie: string) => {
  const [tag, token] = cookie.split(".");
  return `cr:{${tag}}:s:${createHash("sha256").update(token!).digest("hex")}`;
};
const sessionStatus = (base: string, cookie: string) => statusOf(`${base}/api/auth/session`, cookie);
const MAX_SESSIONS = () => Number(readTestEnv("maxSessions"));

test.describe("redis sessions", () => {
  test("Redis holds only the token's SHA-256, under the user's hash tag; every key expires; logout cleans the index", async ({ baseURL, user }) => {
    const cookie = await signIn(baseURL!, user);
    const [tag, token] = cookie.split(".");
    expect(tag).toBe(tagOf(user.id));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const keys = await dumpKeys(redis, `cr:{${tag}}:`);
    // The signup's session and this login's, the user's index and generation floor: nothing else.
    expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining([indexKey(user.id), sessionKey(cookie), genKey(user.id)]));
    for (const k of keys) expect(k.key).toMatch(new RegExp(`^cr:\\{${tag}\\}:(s:[0-9a-f]{64}|u:${user.id}:(sessions|gen))$`));
    expect(keys.find((k) => k.key === genKey(user.id))?.values).toEqual(["0"]);
    for (const k of keys) {
      expect(k.key).not.toContain(token);
      expect(k.values.join(" ")).not.toContain(token);
      expect(k.pttl, k.key).toBeGreaterThan(0);
    }
    const { session } = await (await fetch(`${baseURL}/api/auth/session`, { headers: { cookie: `${COOKIE}=${cookie}` } })).json();
    expect(keys.find((k) => k.key === sessionKey(cookie))?.values).toEqual(expect.arrayContaining(["id", session.id, "uid", user.id]));

    expect((await fetch(`${baseURL}/api/auth/logout`, { method: "POST", headers: { cookie: `${COOKIE}=${cookie}` } })).status).toBe(200);
    expect(await redis.command(["EXISTS", sessionKey(cookie)])).toBe(0);
    expect(await redis.command(["ZRANGE", indexKey(user.id), "0", "-1"])).not.toContain(sessionKey(cookie).split(":s:")[1]);
    expect(await sessionStatus(baseURL!, cookie)).toBe(401);
  });

  test("past MAX_SESSIONS_PER_USER the oldest session ends, and the index never holds more", async ({ baseURL, user }) => {
    const cookies: string[] = [];
    for (let i = 0; i <= MAX_SESSIONS(); i++) cookies.push(await signIn(baseURL!, user));
    expect(await sessionStatus(baseURL!, cookies[0]!)).toBe(401);
    for (const cookie of cookies.slice(1)) expect(await sessionStatus(baseURL!, cookie)).toBe(200);
    expect(await redis.command(["ZCARD", indexKey(user.id)])).toBe(MAX_SESSIONS());
  });

  test("the sessions list shows every device, and one can be revoked from another", async ({ playwright, baseURL, request, user }) => {
    await signIn(request, user);
    const phone = await playwright.request.newContext({ baseURL, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148" });
    await signIn(phone, user);
    const phoneSession = (await (await phone.get("/api/auth/session")).json()).session.id;
    const { sessions } = await (await request.get("/api/auth/sessions")).json();
    expect(sessions.map((s: { id: string }) => s.id)).toContain(phoneSession);
    expect((await request.delete(`/api/auth/sessions/${phoneSession}`)).status()).toBe(200);
    expect((await phone.get("/api/auth/session")).status()).toBe(401);
    expect((await request.delete(`/api/auth/sessions/${phoneSession}`)).status()).toBe(404);
    await phone.dispose();
  });

  test("race: logins with the cap against logout everywhere leave no session of the old generation and never exceed the cap", async ({ baseURL, user }) => {
    // An admin ends the user's sessions: the admin's own session is not among those the cap evicts.
    const admin = await createUser(baseURL!);
    await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
    const adminCookie = await signIn(baseURL!, admin);
    for (let round = 0; round < 4; round++) {
      const owner = await signIn(baseURL!, user);
      const logins = Array.from({ length: MAX_SESSIONS() + 3 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, i * 3)).then(() =>
          fetch(`${baseURL}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: user.email, password: user.password }) }),
        ),
      );
      const logoutAll = new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
        fetch(`${baseURL}/api/admin/users/${user.id}/logout-all`, { method: "POST", headers: { cookie: `${COOKIE}=${adminCookie}` } }),
      );
      const [ended, ...answers] = await Promise.all([logoutAll, ...logins]);
      expect(ended.status).toBe(200);
      for (const answer of answers) expect(answer.status, "no 5xx under the race").toBeLessThan(500);
      const [row] = await query<{ sessionGeneration: number }>('SELECT "sessionGeneration" FROM "User" WHERE id = $1', [user.id]);
      const sessionGeneration = row!.sessionGeneration;
      const members = (await redis.command(["ZRANGE", indexKey(user.id), "0", "-1"])) as string[];
      expect(members.length).toBeLessThanOrEqual(MAX_SESSIONS());
      for (const member of members) {
        const gen = await redis.command(["HGET", `cr:{${tagOf(user.id)}}:s:${member}`, "gen"]);
        if (gen !== null) expect(Number(gen), "a live session of an ended generation").toBe(sessionGeneration);
      }
      expect(await redis.command(["GET", genKey(user.id)])).toBe(String(sessionGeneration));
      expect(await sessionStatus(baseURL!, owner)).toBe(401);
    }
    await query('DELETE FROM "User" WHERE id = $1', [admin.id]);
  });
});

test.describe("two instances on one Redis", () => {
  let other: RunningServer;
  let user: TestUser;

  test.beforeAll(async ({ baseURL }) => {
    other = await startNextServer(serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), readTestEnv("maxSessions")));
    user = await createUser(baseURL!);
  });

  test.afterAll(async () => {
    await other?.stop();
    if (user) await query('DELETE FROM "User" WHERE id = $1', [user.id]);
  });

  test("a logout on one instance holds on the other on the very next request (no cache to wait for)", async ({ baseURL }) => {
    const cookie = await signIn(baseURL!, user);
    for (let i = 0; i < 3; i++) for (const url of [baseURL!, other.url]) expect(await sessionStatus(url, cookie)).toBe(200);
    expect((await fetch(`${baseURL}/api/auth/logout`, { method: "POST", headers: { cookie: `${COOKIE}=${cookie}` } })).status).toBe(200);
    expect(await sessionStatus(other.url, cookie)).toBe(401);
  });
});
