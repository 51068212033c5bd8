import { COOKIE, expect, signIn, test } from "../fixtures";

test.describe("GET /api/auth/session", () => {
  test("401 without a session", async ({ request }) => {
    const response = await request.get("/api/auth/session");
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual({ error: "Authentication required" });
  });

  test("returns the user and the current session, never the hash", async ({ request, user }) => {
    await signIn(request, user, { headers: { "user-agent": "SessionTest/1.0" } });
    const response = await request.get("/api/auth/session");
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.user).toEqual({ id: user.id, email: user.email, name: user.name, role: "user", emailVerified: false });
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    expect(body.session).toEqual({
      id: expect.any(String),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      expiresAt: expect.any(String),
      userAgent: "SessionTest/1.0",
      ip: null,
      current: true,
    });
    expect(Date.parse(body.session.expiresAt)).toBeGreaterThan(Date.now());
  });

  test("a made-up cookie is not a session", async ({ request }) => {
    const response = await request.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${"A".repeat(43)}` } });
    expect(response.status()).toBe(401);
  });
});
