import { COOKIE, expect, sessionCookieOf, test, uniqueEmail } from "../fixtures";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

test.describe("POST /api/auth/login", () => {
  test("200 with the user and a fresh session cookie", async ({ request, user }) => {
    const response = await request.post("/api/auth/login", { data: { email: user.email.toUpperCase(), password: user.password } });
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ user: { id: user.id, email: user.email, name: user.name, role: "user", emailVerified: false } });
    expect(response).toSetSessionCookie();
  });

  test("unknown email and wrong password get the identical answer", async ({ request, user }) => {
    const wrongPassword = await request.post("/api/auth/login", { data: { email: user.email, password: "not the password" } });
    const unknownEmail = await request.post("/api/auth/login", { data: { email: uniqueEmail("nobody"), password: "not the password" } });
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.status()).toBe(401);
      expect(await response.json()).toEqual({ error: "Invalid email or password" });
      expect(response.headers()["set-cookie"]).toBeUndefined();
    }
  });

  test("a password with the right 72-byte prefix but more is refused", async ({ request, baseURL }) => {
    const password = "p".repeat(72);
    const email = uniqueEmail();
    expect((await request.post("/api/auth/signup", { data: { email, password } })).status()).toBe(201);
    const response = await request.post("/api/auth/login", { data: { email, password: `${password}-and-more` } });
    expect(response.status(), baseURL).toBe(401);
  });

  test("every login issues a new token and ends the browser's previous session (no fixation)", async ({ request, playwright, baseURL, user }) => {
    const credentials = { email: user.email, password: user.password };
    const first = sessionCookieOf(await request.post("/api/auth/login", { data: credentials }))!.value;
    const second = sessionCookieOf(await request.post("/api/auth/login", { data: credentials }))!.value;
    expect(second).not.toBe(first);
    // An attacker who kept a copy of the first cookie, from another machine:
    const attacker = await playwright.request.newContext({ baseURL });
    const replay = await attacker.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${first}` } });
    expect(replay.status()).toBe(401);
    await attacker.dispose();
    expect((await request.get("/api/auth/session")).status()).toBe(200);
  });

  test("a cookie planted before login is never promoted", async ({ request, user }) => {
    const planted = "P".repeat(43);
    const response = await request.post("/api/auth/login", {
      data: { email: user.email, password: user.password },
      headers: { cookie: `${COOKIE}=${planted}` },
    });
    expect(response.status()).toBe(200);
    expect(sessionCookieOf(response)!.value).not.toBe(planted);
  });

  test("a failed form login returns to the form, keeping next", async ({ request, user }) => {
    const response = await request.post("/api/auth/login?next=%2Fdashboard", {
      headers: FORM,
      data: new URLSearchParams({ email: user.email, password: "wrong password" }).toString(),
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe("/login?error=invalid-credentials&next=%2Fdashboard");
  });

  test("400 for missing fields", async ({ request }) => {
    const response = await request.post("/api/auth/login", { data: { email: "" } });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({
      error: "Please correct the fields below.",
      fields: { email: ["This field is required."], password: ["This field is required."] },
    });
  });
});
