import { COOKIE, createUser, expect, query, signIn, test, uniqueEmail } from "../fixtures";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

test.describe("POST /api/auth/signup", () => {
  test("201 with the user DTO and a session cookie", async ({ request }) => {
    const email = uniqueEmail();
    const response = await request.post("/api/auth/signup", { data: { email, password: "a fine passphrase", name: " Ada " } });
    expect(response.status()).toBe(201);
    const body = await response.json();
    expect(body).toEqual({ user: { id: expect.any(String), email, name: "Ada", role: "user", emailVerified: false } });
    expect(response).toSetSessionCookie();
    expect((await request.get("/api/auth/session")).status()).toBe(200);
  });

  test("stores the email normalised and answers 409 for any spelling of it", async ({ request }) => {
    const email = uniqueEmail("Mixed");
    const first = await request.post("/api/auth/signup", { data: { email: `  ${email.toUpperCase()} `, password: "a fine passphrase" } });
    expect(first.status()).toBe(201);
    expect((await first.json()).user.email).toBe(email.toLowerCase());
    const rows = await query<{ email: string; passwordHash: string }>('SELECT email, "passwordHash" FROM "User" WHERE email = $1', [
      email.toLowerCase(),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.passwordHash).toMatch(/^\$2[aby]\$10\$/);

    const again = await request.post("/api/auth/signup", { data: { email: email.toLowerCase(), password: "another passphrase" } });
    expect(again.status()).toBe(409);
    expect(await again.json()).toEqual({ error: "An account with this email already exists." });
    expect(again.headers()["set-cookie"]).toBeUndefined();
  });

  test("400 with field errors, and nothing written", async ({ request }) => {
    const email = uniqueEmail();
    const response = await request.post("/api/auth/signup", { data: { email: "not-an-email", password: "short" } });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({
      error: "Please correct the fields below.",
      fields: { email: ["Enter a valid email address."], password: ["Use at least 8 characters."] },
    });
    const tooLong = await request.post("/api/auth/signup", { data: { email, password: "é".repeat(37) } });
    expect(tooLong.status()).toBe(400);
    expect((await tooLong.json()).fields.password[0]).toContain("72 bytes");
    expect(await query('SELECT 1 FROM "User" WHERE email = $1', [email])).toHaveLength(0);
  });

  test("a common password is refused, at signup and at password change", async ({ request, user }) => {
    const common = await request.post("/api/auth/signup", { data: { email: uniqueEmail(), password: "Password123" } });
    expect(common.status()).toBe(400);
    expect((await common.json()).fields.password).toEqual([
      "This password is on lists of the most common passwords, which attackers try first. Choose another.",
    ]);
    await signIn(request, user);
    const change = await request.post("/api/auth/password", { data: { currentPassword: user.password, newPassword: "iloveyou123" } });
    expect(change.status()).toBe(400);
    expect(Object.keys((await change.json()).fields)).toEqual(["newPassword"]);
  });

  test("a password is the same password however its accents were typed (NFKC)", async ({ baseURL, request }) => {
    const user = await createUser(baseURL!, { password: "caf\u00e9 au lait, s'il vous plaît" });
    const login = await request.post("/api/auth/login", { data: { email: user.email, password: "cafe\u0301 au lait, s'il vous plai\u0302t" } });
    expect(login.status()).toBe(200);
  });

  test("a form post gets a 303 to a same-origin next, with the cookie", async ({ request }) => {
    const response = await request.post("/api/auth/signup?next=%2Fdashboard%3Ftab%3Dme", {
      headers: FORM,
      data: new URLSearchParams({ email: uniqueEmail(), password: "a fine passphrase" }).toString(),
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe("/dashboard?tab=me");
    expect(response).toSetSessionCookie();
  });

  test("a form post never redirects off-site", async ({ request }) => {
    const response = await request.post("/api/auth/signup", {
      headers: FORM,
      data: new URLSearchParams({ email: uniqueEmail(), password: "a fine passphrase", next: "//evil.example/x" }).toString(),
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe("/dashboard");
  });

  test("a failed form post goes back to the form with error codes, not text", async ({ request }) => {
    const response = await request.post("/api/auth/signup?next=%2Fdashboard", {
      headers: FORM,
      data: "email=nope&password=short",
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    const location = new URL(response.headers().location!, "http://x");
    expect(location.pathname).toBe("/signup");
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: "invalid-input",
      "f.email": "email-invalid",
      "f.password": "password-too-short",
      next: "/dashboard",
    });
    expect(response.headers()["set-cookie"] ?? "").not.toContain(COOKIE);
  });
});
