import { COOKIE, expect, signIn, test } from "../fixtures";
import { ownRedisServer, type OwnRedis } from "../support/redis-server";
import { startNextServer, type RunningServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Redis goes away mid-run (SPEC §9): a redis-server of this test's own (never the machine's),
// stopped and started again under a running app, then paused (SIGSTOP: the connection stays up,
// nothing answers) and resumed. With REDIS_URL set, rate limits live there under
// every strategy, so logins refuse with 503; under SESSION_STRATEGY=redis sessions live there
// too, so protected pages and APIs answer 503. Nothing passes, nothing hangs, and the app
// recovers by itself once Redis is back.

const STRATEGY = process.env.SESSION_STRATEGY ?? "database";
// Connect timeout and command deadline are 2 s (lib/redis.ts): every answer well within this.
const PROMPT_MS = 5000;

let redis: OwnRedis;
let server: RunningServer;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  redis = await ownRedisServer();
  server = await startNextServer({
    ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), readTestEnv("maxSessions")),
    REDIS_URL: redis.url,
  });
});

test.afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

async function timed(path: string, init: { cookie?: string; body?: unknown } = {}): Promise<{ status: number; ms: number; body: string }> {
  const started = Date.now();
  const response = await fetch(`${server.url}${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { ...(init.cookie ? { cookie: `${COOKIE}=${init.cookie}` } : {}), ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: "manual",
  });
  const body = await response.text();
  return { status: response.status, ms: Date.now() - started, body };
}

test("Redis stopped: login 503, and under the redis strategy protected pages and APIs 503, promptly; back by itself when Redis is", async ({ user }) => {
  const cookie = await signIn(server.url, user);
  expect((await timed("/api/auth/session", { cookie })).status).toBe(200);

  await redis.stop();
  for (let i = 0; i < 3; i++) {
    const login = await timed("/api/auth/login", { body: { email: user.email, password: user.password } });
    expect(login.status, login.body).toBe(503);
    expect(JSON.parse(login.body)).toEqual({ error: "Service unavailable" });
    expect(login.ms).toBeLessThan(PROMPT_MS);
    const wrong = await timed("/api/auth/login", { body: { email: user.email, password: "not-the-password" } });
    expect(wrong.status, "a guess is not even checked: no limiter, no attempt").toBe(503);

    const api = await timed("/api/auth/session", { cookie });
    const page = await timed("/dashboard", { cookie });
    if (STRATEGY === "redis") {
      expect(api.status).toBe(503);
      expect(JSON.parse(api.body)).toEqual({ error: "Service unavailable" });
      expect(page.status).toBe(503);
    } else {
      // The session lives elsewhere: only what Redis guards (the limits) is refused.
      expect(api.status).toBe(200);
      expect(page.status).toBe(200);
    }
    expect(api.ms).toBeLessThan(PROMPT_MS);
    expect(page.ms).toBeLessThan(PROMPT_MS);
  }
  // Without a cookie nothing needs checking: the usual redirect and 401.
  expect((await timed("/dashboard")).status).toBe(307);
  expect((await timed("/api/auth/session")).status).toBe(401);

  await redis.start();
  // The client reconnects on its own (backing off to a second at most).
  await expect
    .poll(async () => (await timed("/api/auth/login", { body: { email: user.email, password: user.password } })).status, { timeout: 10_000 })
    .toBe(200);
  // A fresh redis-server without persistence lost every session: under the redis strategy the old
  // cookie is simply unknown now (401), never let in; elsewhere it is still good.
  expect((await timed("/api/auth/session", { cookie })).status).toBe(STRATEGY === "redis" ? 401 : 200);
  const again = await signIn(server.url, user);
  expect((await timed("/api/auth/session", { cookie: again })).status).toBe(200);
});

test("Redis stops answering (SIGSTOP: connected but silent): 503 within a few seconds, never a hang; back by itself after SIGCONT", async ({ user }) => {
  const cookie = await signIn(server.url, user);
  expect((await timed("/api/auth/session", { cookie })).status).toBe(200);

  // The connection stays up and commands are written; no answer ever comes. Only the app's own
  // deadline on each command (lib/redis.ts) stops a request waiting forever.
  redis.pause();
  try {
    for (let i = 0; i < 3; i++) {
      const login = await timed("/api/auth/login", { body: { email: user.email, password: user.password } });
      expect(login.status, login.body).toBe(503);
      expect(login.ms).toBeLessThan(PROMPT_MS);
      const api = await timed("/api/auth/session", { cookie });
      const page = await timed("/dashboard", { cookie });
      expect(api.status).toBe(STRATEGY === "redis" ? 503 : 200);
      expect(page.status).toBe(STRATEGY === "redis" ? 503 : 200);
      expect(api.ms).toBeLessThan(PROMPT_MS);
      expect(page.ms).toBeLessThan(PROMPT_MS);
    }
  } finally {
    redis.resume();
  }

  await expect
    .poll(async () => (await timed("/api/auth/login", { body: { email: user.email, password: user.password } })).status, { timeout: 10_000 })
    .toBe(200);
  // The server only paused: it kept every session, and the old cookie is good again.
  expect((await timed("/api/auth/session", { cookie })).status).toBe(200);
});
