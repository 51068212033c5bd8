import type { APIRequestContext, APIResponse } from "@playwright/test";
import { expect, sessionCookieOf, test, uniqueEmail, type TestUser } from "../fixtures";
import { linkIn, waitForMail } from "../support/mailbox";
import { startClockedServer, type ClockedServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Issue 12 item 9: "Remember me". Unticked, the session cookie is a browser-session cookie (no
// Max-Age, no Expires); every later cookie the server sets for that session keeps the choice; the
// server's idle and absolute limits are the same either way.

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const strategy = process.env.SESSION_STRATEGY === "cookie" ? "cookie" : "database";

const credentials = (user: Pick<TestUser, "email" | "password">) => ({ email: user.email, password: user.password });

/** Signs in through the API with the given remember value (none: the field is left out). */
async function logIn(context: APIRequestContext, user: TestUser, remember?: boolean): Promise<APIResponse> {
  const response = await context.post("/api/auth/login", { data: { ...credentials(user), ...(remember === undefined ? {} : { remember }) } });
  expect(response.status(), await response.text()).toBe(200);
  return response;
}

/** What the login form posts without JavaScript: its hidden "false", then the box's "true" if ticked. */
function formBody(user: TestUser, ticked: boolean): string {
  const body = new URLSearchParams({ next: "/dashboard", ...credentials(user), remember: "false" });
  if (ticked) body.append("remember", "true");
  return body.toString();
}

const expectKept = (response: APIResponse, persistent: boolean) =>
  persistent ? expect(response).toSetSessionCookie() : expect(response).toSetBrowserSessionCookie();

test.describe("login", () => {
  test("JSON remember: false → a browser-session cookie (no Max-Age, no Expires) that works", async ({ request, user }) => {
    const response = await logIn(request, user, false);
    expect(response).toSetBrowserSessionCookie();
    expect(response).not.toSetSessionCookie();
    expect((await request.get("/api/auth/session")).status()).toBe(200);
  });

  test("JSON without remember keeps the persistent cookie API callers always had; remember: true too", async ({ request, user }) => {
    for (const remember of [undefined, true]) {
      const response = await logIn(request, user, remember);
      expect(response, String(remember)).toSetSessionCookie();
      expect(sessionCookieOf(response)!.attributes.expires, String(remember)).toBeTruthy();
    }
  });

  test("form post without JavaScript: box unticked → browser-session cookie; ticked → persistent", async ({ request, user }) => {
    for (const ticked of [false, true]) {
      const response = await request.post("/api/auth/login", { headers: FORM, data: formBody(user, ticked), maxRedirects: 0 });
      expect(response.status(), String(ticked)).toBe(303);
      expect(response.headers().location).toBe("/dashboard");
      expectKept(response, ticked);
    }
  });

  test("a bad remember value is a 400 on the field, and signs nobody in", async ({ request, user }) => {
    const response = await request.post("/api/auth/login", { data: { ...credentials(user), remember: "yes" } });
    expect(response.status()).toBe(400);
    expect(Object.keys((await response.json()).fields)).toEqual(["remember"]);
    expect(sessionCookieOf(response)).toBeUndefined();
  });
});

// The sessions that replace this device's own keep its choice: a new cookie each time.
for (const persistent of [false, true]) {
  test.describe(`a session that replaces this device's keeps remember: ${persistent}`, () => {
    test("password change", async ({ request, user }) => {
      await logIn(request, user, persistent);
      const changed = await request.post("/api/auth/password", { data: { currentPassword: user.password, newPassword: "a brand new passphrase" } });
      expect(changed.status()).toBe(200);
      expectKept(changed, persistent);
      expect((await request.get("/api/auth/session")).status()).toBe(200);
    });

    test("sign out everywhere else (keepCurrent)", async ({ request, user }) => {
      await logIn(request, user, persistent);
      const renewed = await request.post("/api/auth/logout-all", { data: { keepCurrent: true } });
      expect(renewed.status()).toBe(200);
      expectKept(renewed, persistent);
      // And once more from the renewed session: the choice is the session's, not the login's.
      const again = await request.post("/api/auth/logout-all", { data: { keepCurrent: true } });
      expectKept(again, persistent);
    });

    test("confirming an email change on this device", async ({ request, user }) => {
      await logIn(request, user, persistent);
      const since = Date.now();
      const newEmail = uniqueEmail("moved");
      expect((await request.post("/api/auth/email", { data: { newEmail, currentPassword: user.password } })).status()).toBe(200);
      const link = linkIn(await waitForMail(newEmail, { since, subject: /^Confirm your new email/ }), "/confirm-email");
      const token = new URL(link!).searchParams.get("token")!;
      const confirmed = await request.post("/api/auth/email/confirm", { data: { token } });
      expect(confirmed.status()).toBe(200);
      expectKept(confirmed, persistent);
    });
  });
}

// Sliding expiry on a server whose clock the test moves (as tests/api/timeouts.spec.ts does).
test.describe("sliding expiry", () => {
  test.describe.configure({ mode: "serial" });
  const IDLE = 600;
  const MAX_AGE = 1800;
  let server: ClockedServer;

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

  for (const persistent of [false, true]) {
    test(`remember: ${persistent}: a re-sealed cookie keeps the choice; the idle limit is the server's either way`, async ({ playwright, user }) => {
      const context = await playwright.request.newContext({ baseURL: server.url });
      await logIn(context, user, persistent);
      server.advance(IDLE * 0.66);
      const slid = await context.get("/api/auth/session");
      expect(slid.status()).toBe(200);
      if (strategy === "cookie") {
        // Past half its idle lifetime the seal is re-sealed and sent back, with the same choice.
        expectKept(slid, persistent);
      } else {
        // The row slides on the server; the cookie itself is never re-sent.
        expect(sessionCookieOf(slid)).toBeUndefined();
      }
      server.advance(IDLE * 0.66);
      expect((await context.get("/api/auth/session")).status(), "alive because it slid").toBe(200);
      server.advance(IDLE + 10);
      expect((await context.get("/api/auth/session")).status(), "left idle, it ends").toBe(401);
      await context.dispose();
    });
  }

  test("remember: false: kept active, the session still ends at the absolute limit", async ({ playwright, user }) => {
    const context = await playwright.request.newContext({ baseURL: server.url });
    await logIn(context, user, false);
    let elapsed = 0;
    while (elapsed + IDLE / 2 < MAX_AGE) {
      server.advance(IDLE / 2);
      elapsed += IDLE / 2;
      expect((await context.get("/api/auth/session")).status(), `active, ${elapsed} s in`).toBe(200);
    }
    server.advance(MAX_AGE - elapsed + 10);
    expect((await context.get("/api/auth/session")).status(), "past SESSION_MAX_AGE, it ends").toBe(401);
    await context.dispose();
  });
});
