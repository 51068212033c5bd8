import { COOKIE, expect, signIn, test } from "../fixtures";

test.describe("POST /api/auth/logout", () => {
  test("clears the cookie and deletes the session; a replayed cookie gets 401", async ({ request, user }) => {
    const token = await signIn(request, user);

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
    await signIn(other, user);
    const mine = await playwright.request.newContext({ baseURL });
    await signIn(mine, user);
    await mine.post("/api/auth/logout");
    expect((await mine.get("/api/auth/session")).status()).toBe(401);
    expect((await other.get("/api/auth/session")).status()).toBe(200);
  });

  test("a form post is redirected home", async ({ request, user }) => {
    await signIn(request, user);
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
