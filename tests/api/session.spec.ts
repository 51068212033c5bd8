import { createHash } from "node:crypto";
import { COOKIE, expect, query, sessionCookieOf, test } from "../fixtures";

test.describe("GET /api/auth/session", () => {
  test("401 without a session", async ({ request }) => {
    const response = await request.get("/api/auth/session");
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual({ error: "Authentication required" });
  });

  test("returns the user and the current session, never the hash", async ({ request, user }) => {
    await request.post("/api/auth/login", { data: { email: user.email, password: user.password }, headers: { "user-agent": "SessionTest/1.0" } });
    const response = await request.get("/api/auth/session");
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.user).toEqual({ id: user.id, email: user.email, name: user.name, role: "user" });
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

  test("the database holds only the token's SHA-256, under a separate public id", async ({ request, user }) => {
    const login = await request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
    const token = sessionCookieOf(login)!.value;
    const { session } = await (await request.get("/api/auth/session")).json();
    const rows = await query<Record<string, unknown>>('SELECT * FROM "Session" WHERE id = $1', [session.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(rows[0]!.id).toBe(session.id);
    expect(Object.values(rows[0]!).map(String)).not.toContain(token);
    expect(session.id).not.toBe(token);
  });

  test("a made-up cookie is not a session", async ({ request }) => {
    const response = await request.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${"A".repeat(43)}` } });
    expect(response.status()).toBe(401);
  });
});
