import type { APIRequestContext } from "@playwright/test";
import { expect, signIn, test, type TestUser } from "../fixtures";
import { startClockedServer, type ClockedServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Time is moved forward through the server's clock file, never by sleeping. A server of its own,
// so moving its clock cannot expire the sessions of tests running on the shared one.
const IDLE = 600;
const MAX_AGE = 1800;

test.describe.configure({ mode: "serial" });

let server: ClockedServer;
const advance = (seconds: number) => server.advance(seconds);

test.beforeAll(async () => {
  server = await startClockedServer({
    ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), "5"),
    SESSION_IDLE_TIMEOUT: String(IDLE),
    SESSION_MAX_AGE: String(MAX_AGE),
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
