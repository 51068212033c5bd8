import { COOKIE, expect, sessionCookieOf, test } from "../fixtures";

test.describe("POST /api/auth/logout", () => {
  test("clears the cookie and deletes the session; a replayed cookie gets 401", async ({ request, user }) => {
    const login = await request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
    const token = sessionCookieOf(login)!.value;

    const response = await request.post("/api/auth/logout");
    expect(response.status()).toBe(200);
    expect(response).toClearSessionCookie();

    const replay = await request.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${token}` } });
    expect(replay.status()).toBe(401);
  });

  test("is idempotent without a session", async ({ request }) => {
    const response = await request.post("/api/auth/logout");
    expect(response.status()).toBe(200);
    expect(response).toClearSessionCookie();
  });

  test("ends only this session, not the user's others", async ({ playwright, baseURL, user }) => {
    const other = await playwright.request.newContext({ baseURL });
    await other.post("/api/auth/login", { data: { email: user.email, password: user.password } });
    const mine = await playwright.request.newContext({ baseURL });
    await mine.post("/api/auth/login", { data: { email: user.email, password: user.password } });
    await mine.post("/api/auth/logout");
    expect((await mine.get("/api/auth/session")).status()).toBe(401);
    expect((await other.get("/api/auth/session")).status()).toBe(200);
  });

  test("a form post is redirected home", async ({ request, user }) => {
    await request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
    const response = await request.post("/api/auth/logout", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      data: "",
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe("/");
    expect((await request.get("/api/auth/session")).status()).toBe(401);
  });
});
