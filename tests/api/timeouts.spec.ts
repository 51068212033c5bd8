import { randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { expect, query, signIn, test, type TestUser } from "../fixtures";
import { startClockedServer, type ClockedServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Time is moved forward through the server's clock file, never by sleeping. A server of its own,
// so moving its clock cannot expire the sessions of tests running on the shared one.
const IDLE = 600;
const MAX_AGE = 1800;
const CRON_SECRET = randomBytes(32).toString("base64url");
const strategy = process.env.SESSION_STRATEGY === "cookie" || process.env.SESSION_STRATEGY === "redis" ? process.env.SESSION_STRATEGY : "database";

test.describe.configure({ mode: "serial" });

let server: ClockedServer;
const advance = (seconds: number) => server.advance(seconds);

test.beforeAll(async () => {
  server = await startClockedServer({
    ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), "5"),
    SESSION_IDLE_TIMEOUT: String(IDLE),
    SESSION_MAX_AGE: String(MAX_AGE),
    CRON_SECRET,
  });
});

test.afterAll(async () => {
  await server?.stop();
});

/** A device signed in on this file's server, its cookie jar holding the session. */
async function device(playwright: { request: { newContext: (o: { baseURL: string }) => Promise<APIRequestContext> } }, user: TestUser) {
  const context = await playwright.request.newContext({ baseURL: server.url });
  await signIn(context, user);
  return context;
}

const status = async (context: APIRequestContext) => (await context.get("/api/auth/session")).status();

test("idle timeout: a session used past half its idle time slides; left idle, it ends", async ({ playwright, user }) => {
  const context = await device(playwright, user);
  advance(IDLE * 0.66);
  expect(await status(context)).toBe(200); // past half-life: extended to now + IDLE
  advance(IDLE * 0.66);
  expect(await status(context)).toBe(200); // beyond the first IDLE, alive because it slid
  advance(IDLE + 10);
  expect(await status(context)).toBe(401);
  await context.dispose();
});

test("absolute lifetime: even a session in constant use ends at SESSION_MAX_AGE", async ({ playwright, user }) => {
  const context = await device(playwright, user);
  let elapsed = 0;
  while (elapsed + 400 < MAX_AGE) {
    advance(400);
    elapsed += 400;
    expect(await status(context), `at ${elapsed}s`).toBe(200);
  }
  advance(MAX_AGE - elapsed + 5);
  expect(await status(context)).toBe(401);
  await context.dispose();
});

test("last seen: a use a minute after the last shows in the session list at once", async ({ playwright, user }) => {
  const context = await device(playwright, user);
  advance(61);
  expect(await status(context)).toBe(200);
  // The database strategy records last-seen in the background (batched); the list must not lag.
  const { sessions } = (await (await context.get("/api/auth/sessions")).json()) as { sessions: Array<{ current: boolean; createdAt: string; lastSeenAt: string }> };
  const current = sessions.find((s) => s.current);
  expect(Date.parse(current!.lastSeenAt) - Date.parse(current!.createdAt)).toBeGreaterThanOrEqual(61_000);
  await context.dispose();
});

test("pages follow the same clock: an idle session is sent to login", async ({ playwright, user }) => {
  const context = await device(playwright, user);
  expect((await context.get("/dashboard", { maxRedirects: 0 })).status()).toBe(200);
  advance(IDLE + 10);
  expect((await context.get("/dashboard", { maxRedirects: 0 })).status()).toBe(307);
  await context.dispose();
});

test("GET /api/cron/cleanup needs CRON_SECRET and deletes only expired rows", async ({ playwright, request, user }) => {
  expect((await request.get("/api/cron/cleanup")).status()).toBe(404); // shared server: no CRON_SECRET
  const cron = await playwright.request.newContext({ baseURL: server.url });
  expect((await cron.get("/api/cron/cleanup")).status()).toBe(401);
  expect((await cron.get("/api/cron/cleanup", { headers: { authorization: "Bearer wrong" } })).status()).toBe(401);

  const sessionId = async (context: APIRequestContext) => (await (await context.get("/api/auth/session")).json()).session.id as string;
  // To expire: a logged-out session (a revocation, under the cookie strategy) and an idle one,
  // both on this server's short lifetimes.
  const old = await device(playwright, user);
  const oldRevoked = await sessionId(old);
  await old.post("/api/auth/logout");
  const idle = await device(playwright, user);
  const idleId = await sessionId(idle);
  // To survive: the same kinds, made on the shared server (lifetimes of days). Made before the
  // clock moves, because logins and logouts also prune dead rows on their own.
  await signIn(request, user);
  const liveId = await sessionId(request);
  const recent = await playwright.request.newContext({ baseURL: readTestEnv("baseUrl") });
  await signIn(recent, user);
  const recentRevoked = await sessionId(recent);
  await recent.post("/api/auth/logout");
  advance(MAX_AGE + 60);

  const response = await cron.get("/api/cron/cleanup", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(response.status()).toBe(200);
  const { deleted } = await response.json();

  const sessions = (await query<{ id: string }>('SELECT id FROM "Session" WHERE "userId" = $1', [user.id])).map((r) => r.id);
  const revoked = (await query<{ id: string }>('SELECT id FROM "RevokedSession" WHERE "userId" = $1', [user.id])).map((r) => r.id);
  if (strategy === "database") {
    expect(deleted.sessions).toBeGreaterThanOrEqual(1);
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
    expect(deleted.revokedSessions).toBeGreaterThanOrEqual(1);
    expect(sessions).toEqual([]);
    expect(revoked).toEqual([recentRevoked]);
    expect(revoked).not.toContain(oldRevoked);
  }
  expect(await status(request)).toBe(200);
  await Promise.all([cron.dispose(), old.dispose(), idle.dispose(), recent.dispose()]);
});
