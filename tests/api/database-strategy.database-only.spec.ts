import { createHash } from "node:crypto";
import { COOKIE, expect, query, signIn, test } from "../fixtures";
import { startNextServer, type RunningServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// What only the database strategy has: session rows.

test.describe("database sessions", () => {
  test("the database holds only the token's SHA-256, under a separate public id", async ({ request, user }) => {
    const token = await signIn(request, user);
    const { session } = await (await request.get("/api/auth/session")).json();
    const rows = await query<Record<string, unknown>>('SELECT * FROM "Session" WHERE id = $1', [session.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(rows[0]!.id).toBe(session.id);
    expect(Object.values(rows[0]!).map(String)).not.toContain(token);
    expect(session.id).not.toBe(token);
  });

  test("past MAX_SESSIONS_PER_USER the oldest session ends", async ({ playwright, baseURL, user }) => {
    const cap = Number(readTestEnv("maxSessions"));
    const tokens: string[] = [];
    for (let i = 0; i <= cap; i++) {
      // A fresh context per login: separate devices, so no login replaces another's session.
      const device = await playwright.request.newContext({ baseURL });
      tokens.push(await signIn(device, user));
      await device.dispose();
    }
    const checker = await playwright.request.newContext({ baseURL });
    const statuses: number[] = [];
    for (const token of tokens) {
      statuses.push((await checker.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${token}` } })).status());
    }
    await checker.dispose();
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
    expect(await query('SELECT id FROM "Session" WHERE "userId" = $1', [user.id])).toHaveLength(cap);
  });

  test("the sessions list shows every device, and one can be revoked from another", async ({ playwright, baseURL, request, user }) => {
    const phone = await playwright.request.newContext({ baseURL, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile/15E148 Safari/604.1" });
    await signIn(phone, user);
    const phoneSession = (await (await phone.get("/api/auth/session")).json()).session.id;
    await signIn(request, user);

    const list = await (await request.get("/api/auth/sessions")).json();
    expect(list.listsAllSessions).toBe(true);
    const ids = list.sessions.map((s: { id: string }) => s.id);
    expect(ids).toContain(phoneSession);
    expect(ids).toContain(list.current);
    expect(list.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    expect((await request.delete(`/api/auth/sessions/${phoneSession}`)).status()).toBe(200);
    expect((await phone.get("/api/auth/session")).status()).toBe(401);
    const revoked = await query<{ detail: { sessionId: string } }>(
      `SELECT detail FROM "AuthEvent" WHERE "userId" = $1 AND type = 'SESSION_REVOKED'`,
      [user.id],
    );
    expect(revoked.map((e) => e.detail.sessionId)).toEqual([phoneSession]);
    expect((await request.get("/api/auth/session")).status()).toBe(200);
    expect((await request.delete(`/api/auth/sessions/${phoneSession}`)).status()).toBe(404);
    await phone.dispose();
  });

  test("logout deletes the row", async ({ request, user }) => {
    await signIn(request, user);
    const { session } = await (await request.get("/api/auth/session")).json();
    expect(await query('SELECT 1 FROM "Session" WHERE id = $1', [session.id])).toHaveLength(1);
    await request.post("/api/auth/logout");
    expect(await query('SELECT 1 FROM "Session" WHERE id = $1', [session.id])).toHaveLength(0);
  });
});

test.describe("when the session store is unreachable", () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, so every connection is refused.
    server = await startNextServer(serverEnv("postgresql://postgres@127.0.0.1:9/none", readTestEnv("secret"), "5"));
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test("protected pages answer 503 and protected API routes 503 JSON — nobody is let in", async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: server.url });
    const cookie = { cookie: `${COOKIE}=${"A".repeat(43)}` };
    const page = await request.get("/dashboard", { headers: cookie, maxRedirects: 0 });
    expect(page.status()).toBe(503);
    const api = await request.get("/api/auth/session", { headers: cookie });
    expect(api.status()).toBe(503);
    expect(await api.json()).toEqual({ error: "Service unavailable" });
    // Without a cookie there is nothing to check: the usual redirect and 401.
    expect((await request.get("/dashboard", { maxRedirects: 0 })).status()).toBe(307);
    expect((await request.get("/api/auth/session")).status()).toBe(401);
    await request.dispose();
  });
});
