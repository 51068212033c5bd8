import { randomBytes, randomUUID } from "node:crypto";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { sealData } from "iron-session";
import { SESSION_COOKIE_NAMES } from "@/lib/session/cookie";
import { passwordId } from "@/lib/session/sealed-cookie";
import { expect, test } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { freePort, startNextServer, type RunningServer } from "../support/server";
import { serverEnv } from "../support/test-env";

// Issue 12 item 4: a server on a database nobody migrated answered login and signup with an
// empty 500 (a blank page without JavaScript). A database problem met inside a handler is now a
// 503 that says what is wrong, a form goes back to its page with that text, and the server log
// has one line naming the fix. A database that cannot be reached is a 503 too, never a 500.

const SCHEMA_MISSING = "Service unavailable: the database is not set up yet (its migrations have not been applied).";
const credentials = () => ({ email: `unmigrated-${randomUUID()}@example.test`, password: `pw-${randomUUID()}` });
const STRATEGY = process.env.SESSION_STRATEGY ?? "database";

/**
 * A session cookie the server cannot tell from one it issued without asking its store: a token
 * of the right shape (database, redis), or a genuine seal made with the server's secret (cookie).
 */
async function wellFormedSessionCookie(secret: string): Promise<string> {
  if (STRATEGY !== "cookie") return randomBytes(32).toString("base64url");
  const t = Date.now();
  const payload = { v: 2, sid: randomUUID(), uid: randomUUID(), role: "user", gen: 0, iat: t, exp: t + 3_600_000, abs: t + 3_600_000, ua: null, ip: null, per: true };
  return sealData(payload, { password: { [passwordId(secret)]: secret }, ttl: 3600 });
}

async function expectFormGoesBack(api: APIRequestContext, route: string, page: string, text: string) {
  const form = await api.post(route, { form: credentials(), maxRedirects: 0 });
  expect(form.status(), `${route} as a form`).toBe(303);
  const location = new URL(form.headers().location!, "http://x");
  expect(location.pathname).toBe(page);
  const shown = await api.get(`${location.pathname}${location.search}`);
  expect(shown.status()).toBe(200);
  expect(await shown.text()).toContain(text.replace(/'/g, "&#x27;"));
}

test.describe("a database nobody migrated", () => {
  // One server for the group: its tests run in order in one worker.
  test.describe.configure({ mode: "default" });
  let database: TestDatabase;
  let server: RunningServer;
  let api: APIRequestContext;
  const secret = randomBytes(32).toString("base64url");

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    database = await createTestDatabase("unmigrated", { migrate: false });
    server = await startNextServer(serverEnv(database.url, secret, "5"));
    api = await playwrightRequest.newContext({ baseURL: server.url });
  });

  test.afterAll(async () => {
    await api?.dispose();
    await server?.stop();
    await database?.drop();
  });

  test("login and signup answer 503 with what is wrong; the log names the fix once per request", async () => {
    const logged = server.output().length;
    for (const route of ["/api/auth/login", "/api/auth/signup"]) {
      const response = await api.post(route, { data: credentials() });
      expect(response.status(), route).toBe(503);
      expect(await response.json(), route).toEqual({ error: SCHEMA_MISSING });
      expect(response.headers()["set-cookie"], route).toBeUndefined();
    }
    const lines = server.output().slice(logged).split("\n").filter((line) => line.includes("answered 503"));
    expect(lines).toHaveLength(2);
    // Whichever table the route reads first (a model query or a raw one: Prisma words them differently).
    expect(lines[0]).toMatch(/^POST \/api\/auth\/login: answered 503: the database is not migrated \(.*\b(table|relation) .*does not exist.*\)\. Fix: /);
    expect(lines[1]).toMatch(/^POST \/api\/auth\/signup: answered 503: the database is not migrated /);
    for (const line of lines) expect(line).toContain("Fix: run `npm run db:deploy` (prisma migrate deploy)");
    expect(server.output(), "a stack trace in the log").not.toMatch(/^\s+at /m);
  });

  test("a no-JavaScript form goes back to its page, which shows the same text (never a blank page)", async () => {
    await expectFormGoesBack(api, "/api/auth/login", "/login", SCHEMA_MISSING);
    await expectFormGoesBack(api, "/api/auth/signup", "/signup", SCHEMA_MISSING);
  });

  // The proxy checks a protected page's session itself (for the cookie strategy, whether it was
  // revoked), so on this database it cannot: the store is unavailable, a 503 from the proxy in
  // the app's shell, never a page's 500. Under redis the sessions are in Redis, which does not know
  // this token: no session, the usual redirect to the login page, and the database is not asked.
  test("a protected page with a well-formed session cookie: 503 from the proxy, never a 500", async () => {
    const response = await api.get("/dashboard", {
      headers: { cookie: `${SESSION_COOKIE_NAMES.production}=${await wellFormedSessionCookie(secret)}` },
      maxRedirects: 0,
    });
    if (STRATEGY === "redis") {
      expect(response.status()).toBe(307);
      expect(response.headers().location).toBe("/login?next=%2Fdashboard");
      return;
    }
    expect(response.status()).toBe(503);
    expect(response.headers()["retry-after"]).toBe("5");
    expect(await response.text()).toContain("<h1>Service unavailable</h1>");
  });

  test("the public pages still render", async () => {
    for (const path of ["/", "/login", "/signup", "/forgot-password"]) {
      const response = await api.get(path);
      expect(response.status(), path).toBe(200);
      expect(await response.text(), path).toContain("<h1>");
    }
  });
});

test.describe("a database that cannot be reached", () => {
  test.describe.configure({ mode: "default" });
  let server: RunningServer;
  let api: APIRequestContext;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const nowhere = `postgresql://postgres@127.0.0.1:${await freePort()}/nothing`;
    server = await startNextServer(serverEnv(nowhere, randomBytes(32).toString("base64url"), "5"));
    api = await playwrightRequest.newContext({ baseURL: server.url });
  });

  test.afterAll(async () => {
    await api?.dispose();
    await server?.stop();
  });

  test("login and signup answer 503 store-unavailable, never a 500, and the log says what to check", async () => {
    for (const route of ["/api/auth/login", "/api/auth/signup"]) {
      const response = await api.post(route, { data: credentials() });
      expect(response.status(), route).toBe(503);
      expect(await response.json(), route).toEqual({ error: "Service unavailable" });
    }
    await expectFormGoesBack(api, "/api/auth/login", "/login", "Service unavailable");
    expect(server.output()).toMatch(/POST \/api\/auth\/login: answered 503: the database cannot be reached \(.*\)\. Fix: check DATABASE_URL/);
  });
});
