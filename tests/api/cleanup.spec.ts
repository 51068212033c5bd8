import { randomBytes } from "node:crypto";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { createUser, expect, query, signIn, test, type TestUser } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startClockedServer, startNextServer, type ClockedServer, type RunningServer } from "../support/server";
import { serverEnv } from "../support/test-env";

// GET /api/cron/cleanup deletes what has expired in the whole database, by the clock of the server
// that runs it. Run with a clock moved half an hour on, on the suite's shared database, it also
// deleted other tests' short-lived rows (a two-factor setup made a second before: a CI failure
// of 2026-12-01). So a database of its own, with two servers on it: one whose clock moves (short
// lifetimes, CRON_SECRET), and one with the usual lifetimes, whose rows must survive.
const IDLE = 600;
const MAX_AGE = 1800;
const CRON_SECRET = randomBytes(32).toString("base64url");
const strategy = process.env.SESSION_STRATEGY === "cookie" || process.env.SESSION_STRATEGY === "redis" ? process.env.SESSION_STRATEGY : "database";

test.describe.configure({ mode: "serial" });

let database: TestDatabase;
let clocked: ClockedServer;
let steady: RunningServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  database = await createTestDatabase("cleanup");
  const secret = randomBytes(32).toString("base64url");
  const started = await Promise.allSettled([
    startClockedServer({ ...serverEnv(database.url, secret, "5"), SESSION_IDLE_TIMEOUT: String(IDLE), SESSION_MAX_AGE: String(MAX_AGE), CRON_SECRET }),
    startNextServer(serverEnv(database.url, secret, "5")),
  ]);
  // Whichever started is kept, so afterAll stops it even when the other did not start.
  if (started[0].status === "fulfilled") clocked = started[0].value;
  if (started[1].status === "fulfilled") steady = started[1].value;
  for (const result of started) if (result.status === "rejected") throw result.reason;
});

test.afterAll(async () => {
  await Promise.all([clocked?.stop(), steady?.stop()]);
  await database?.drop();
});

const ids = async (sql: string, params: unknown[]) => (await query<{ id: string }>(sql, params, database.url)).map((row) => row.id);

async function signedIn(baseURL: string, user: TestUser): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  await signIn(context, user);
  return context;
}

const sessionId = async (context: APIRequestContext) => (await (await context.get("/api/auth/session")).json()).session.id as string;

test("GET /api/cron/cleanup needs CRON_SECRET and deletes only expired rows", async () => {
  const user = await createUser(steady.url);
  const plain = await playwrightRequest.newContext({ baseURL: steady.url });
  expect((await plain.get("/api/cron/cleanup")).status(), "a server without CRON_SECRET").toBe(404);
  const cron = await playwrightRequest.newContext({ baseURL: clocked.url });
  expect((await cron.get("/api/cron/cleanup")).status()).toBe(401);
  expect((await cron.get("/api/cron/cleanup", { headers: { authorization: "Bearer wrong" } })).status()).toBe(401);

  // To expire: a logged-out session (a revocation, under the cookie strategy) and an idle one,
  // both on the clocked server's short lifetimes.
  const old = await signedIn(clocked.url, user);
  const oldRevoked = await sessionId(old);
  await old.post("/api/auth/logout");
  const idle = await signedIn(clocked.url, user);
  const idleId = await sessionId(idle);
  // To survive: the same kinds, made on the other server (lifetimes of days). Made before the
  // clock moves, because logins and logouts also prune dead rows on their own.
  const live = await signedIn(steady.url, user);
  const liveId = await sessionId(live);
  const recent = await signedIn(steady.url, user);
  const recentRevoked = await sessionId(recent);
  await recent.post("/api/auth/logout");
  clocked.advance(MAX_AGE + 60);

  const response = await cron.get("/api/cron/cleanup", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(response.status()).toBe(200);
  const { deleted } = await response.json();

  const sessions = await ids('SELECT id FROM "Session" WHERE "userId" = $1', [user.id]);
  const revoked = await ids('SELECT id FROM "RevokedSession" WHERE "userId" = $1', [user.id]);
  if (strategy === "database") {
    // Exactly the idle one: on a database of its own nothing else has expired.
    expect(deleted.sessions).toBe(1);
    expect(sessions).toContain(liveId);
    expect(sessions).not.toContain(idleId);
    expect(revoked).toEqual([]);
  } else if (strategy === "redis") {
    // Redis expires its sessions itself (PEXPIREAT): PostgreSQL holds nothing of them to delete.
    expect(deleted).toMatchObject({ sessions: 0, revokedSessions: 0 });
    expect(sessions).toEqual([]);
    expect(revoked).toEqual([]);
    expect((await idle.get("/api/auth/session")).status()).toBe(401);
  } else {
    expect(deleted.revokedSessions).toBe(1);
    expect(sessions).toEqual([]);
    expect(revoked).toEqual([recentRevoked]);
    expect(revoked).not.toContain(oldRevoked);
  }
  expect((await live.get("/api/auth/session")).status()).toBe(200);
  await Promise.all([plain, cron, old, idle, live, recent].map((context) => context.dispose()));
});
