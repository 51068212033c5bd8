import { COOKIE, createUser, expect, sessionCookieOf, signIn, test } from "../fixtures";

const asCookie = (value: string) => ({ cookie: `${COOKIE}=${value}` });

test.describe("session management API", () => {
  test("every route needs a session", async ({ request }) => {
    expect((await request.get("/api/auth/sessions")).status()).toBe(401);
    expect((await request.delete("/api/auth/sessions/abc")).status()).toBe(401);
    expect((await request.post("/api/auth/logout-all")).status()).toBe(401);
    expect((await request.post("/api/auth/password", { data: { currentPassword: "x", newPassword: "y".repeat(10) } })).status()).toBe(401);
  });

  test("GET /api/auth/sessions lists the current session, flagged", async ({ request, user }) => {
    await signIn(request, user);
    const response = await request.get("/api/auth/sessions");
    expect(response.status()).toBe(200);
    const body = await response.json();
    const mine = body.sessions.find((s: { current: boolean }) => s.current);
    expect(mine).toMatchObject({ id: body.current, current: true, createdAt: expect.any(String), expiresAt: expect.any(String) });
    expect(typeof body.listsAllSessions).toBe("boolean");
  });

  test("DELETE of a session that is not the caller's is 404, whether it exists or not", async ({ playwright, baseURL, request, user }) => {
    const other = await createUser(baseURL!);
    const otherContext = await playwright.request.newContext({ baseURL });
    await signIn(otherContext, other);
    const otherSessionId = (await (await otherContext.get("/api/auth/session")).json()).session.id;

    await signIn(request, user);
    for (const id of [otherSessionId, "no-such-session", "bad id!"]) {
      const response = await request.delete(`/api/auth/sessions/${encodeURIComponent(id)}`);
      expect(response.status(), id).toBe(404);
      expect(await response.json()).toEqual({ error: "That session does not exist or has already ended." });
    }
    expect((await otherContext.get("/api/auth/session")).status()).toBe(200);
    await otherContext.dispose();
  });

  test("DELETE of the current session signs this device out", async ({ request, user }) => {
    const seal = await signIn(request, user);
    const { current } = await (await request.get("/api/auth/sessions")).json();
    const response = await request.delete(`/api/auth/sessions/${current}`);
    expect(response.status()).toBe(200);
    expect(response).toClearSessionCookie();
    expect((await request.get("/api/auth/session", { headers: asCookie(seal) })).status()).toBe(401);
  });

  test("logout-all ends every session of the user", async ({ playwright, baseURL, request, user }) => {
    const phone = await playwright.request.newContext({ baseURL });
    await signIn(phone, user);
    await signIn(request, user);
    const response = await request.post("/api/auth/logout-all");
    expect(response.status()).toBe(200);
    expect(response).toClearSessionCookie();
    expect((await phone.get("/api/auth/session")).status()).toBe(401);
    expect((await request.get("/api/auth/session")).status()).toBe(401);
    await phone.dispose();
  });

  test("logout-all with keepCurrent ends the others and renews this one", async ({ playwright, baseURL, request, user }) => {
    const phone = await playwright.request.newContext({ baseURL });
    await signIn(phone, user);
    const before = await signIn(request, user);
    const response = await request.post("/api/auth/logout-all", { data: { keepCurrent: true } });
    expect(response.status()).toBe(200);
    expect(response).toSetSessionCookie();
    expect(sessionCookieOf(response)!.value).not.toBe(before);
    expect((await phone.get("/api/auth/session")).status()).toBe(401);
    expect((await request.get("/api/auth/session")).status()).toBe(200);
    const attacker = await playwright.request.newContext({ baseURL });
    expect((await attacker.get("/api/auth/session", { headers: asCookie(before) })).status()).toBe(401);
    await Promise.all([phone.dispose(), attacker.dispose()]);
  });

  test("password change: checks the current one, logs out other devices, keeps and renews this one", async ({ playwright, baseURL, request, user }) => {
    const laptop = await playwright.request.newContext({ baseURL });
    await signIn(laptop, user);
    const before = await signIn(request, user);

    const wrong = await request.post("/api/auth/password", { data: { currentPassword: "not it", newPassword: "a brand new passphrase" } });
    expect(wrong.status()).toBe(401);
    expect(await wrong.json()).toEqual({ error: "Your current password is not correct." });
    const weak = await request.post("/api/auth/password", { data: { currentPassword: user.password, newPassword: "short" } });
    expect(weak.status()).toBe(400);
    expect((await laptop.get("/api/auth/session")).status()).toBe(200);

    const changed = await request.post("/api/auth/password", { data: { currentPassword: user.password, newPassword: "a brand new passphrase" } });
    expect(changed.status()).toBe(200);
    expect(changed).toSetSessionCookie();
    expect(sessionCookieOf(changed)!.value).not.toBe(before);
    expect((await request.get("/api/auth/session")).status()).toBe(200);
    expect((await laptop.get("/api/auth/session")).status()).toBe(401);

    const fresh = await playwright.request.newContext({ baseURL });
    expect((await fresh.get("/api/auth/session", { headers: asCookie(before) })).status()).toBe(401);
    expect((await fresh.post("/api/auth/login", { data: { email: user.email, password: user.password } })).status()).toBe(401);
    expect((await fresh.post("/api/auth/login", { data: { email: user.email, password: "a brand new passphrase" } })).status()).toBe(200);
    await Promise.all([laptop.dispose(), fresh.dispose()]);
  });

  test("the forms post and come back with a notice", async ({ request, user }) => {
    await signIn(request, user);
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const others = await request.post("/api/auth/logout-all", { headers: form, data: "keepCurrent=true", maxRedirects: 0 });
    expect(others.status()).toBe(303);
    expect(others.headers().location).toBe("/settings/sessions?notice=others-revoked");
    const password = await request.post("/api/auth/password", {
      headers: form,
      data: new URLSearchParams({ currentPassword: "wrong", newPassword: "a brand new passphrase" }).toString(),
      maxRedirects: 0,
    });
    expect(password.status()).toBe(303);
    expect(password.headers().location).toBe("/settings/password?error=current-password-wrong");
  });
});
