import { COOKIE, createUser, expect, query, sessionCookieOf, signIn, test } from "../fixtures";

const IDENTITY_HEADERS = ["x-user-id", "x-user-role", "x-session-id", "x-auth-proof"];

test.describe("proxy.ts", () => {
  test("a dead cookie is cleared by a GET the user made, never by a background prefetch that may answer after a POST replaced it", async ({ playwright, baseURL, user }) => {
    const context = await playwright.request.newContext({ baseURL });
    const dead = await signIn(context, user);
    await context.post("/api/auth/logout");
    const headers = { cookie: `${COOKIE}=${dead}` };
    // What a browser sends with Next's prefetch and RSC fetches, and with its own prefetching.
    const backgrounds: Array<Record<string, string>> = [
      { "sec-fetch-mode": "cors", "sec-fetch-dest": "empty", rsc: "1", "next-router-prefetch": "1" },
      { "sec-fetch-mode": "cors", "sec-fetch-dest": "empty", rsc: "1" },
      { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-purpose": "prefetch" },
    ];
    for (const background of backgrounds) {
      const response = await context.get("/dashboard", { headers: { ...headers, ...background }, maxRedirects: 0 });
      expect(response.status(), JSON.stringify(background)).toBe(307);
      expect(sessionCookieOf(response), JSON.stringify(background)).toBeUndefined();
    }
    const madeByTheUser: Array<Record<string, string>> = [{}, { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" }];
    for (const kind of madeByTheUser) {
      const page = await context.get("/dashboard", { headers: { ...headers, ...kind }, maxRedirects: 0 });
      expect(page.status()).toBe(307);
      expect(page).toClearSessionCookie();
    }
    await context.dispose();
  });

  test("a protected page without a session redirects to login, keeping the path", async ({ request }) => {
    const response = await request.get("/dashboard?tab=profile", { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    // Relative: the browser stays on whichever host name it used.
    expect(response.headers().location).toMatch(/^\/login\?/);
    const location = new URL(response.headers().location!, "http://x");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("next")).toBe("/dashboard?tab=profile");
  });

  test("a protected API route without a session answers 401 JSON", async ({ request }) => {
    const response = await request.get("/api/auth/session");
    expect(response.status()).toBe(401);
    expect(response.headers()["content-type"]).toContain("application/json");
  });

  test("public pages and unknown routes are left alone", async ({ request }) => {
    expect((await request.get("/")).status()).toBe(200);
    expect((await request.get("/login")).status()).toBe(200);
    expect((await request.get("/no-such-page", { maxRedirects: 0 })).status()).toBe(404);
    const api = await request.get("/api/no-such-route");
    expect(api.status()).toBe(404);
    expect(await api.json()).toEqual({ error: "Not found" });
  });

  test("a signed-in user is sent from /login and /signup to /dashboard", async ({ request, user }) => {
    await signIn(request, user);
    for (const path of ["/login", "/signup"]) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status()).toBe(307);
      expect(response.headers().location).toBe("/dashboard");
    }
    expect((await request.get("/dashboard", { maxRedirects: 0 })).status()).toBe(200);
  });

  test("identity headers are never sent back to the browser", async ({ request, user }) => {
    await signIn(request, user);
    for (const path of ["/dashboard", "/api/auth/session", "/"]) {
      const headers = (await request.get(path)).headers();
      for (const name of IDENTITY_HEADERS) expect(headers[name], `${name} on ${path}`).toBeUndefined();
    }
  });

  test.describe("spoofed identity headers never authenticate", () => {
    let victim: { id: string };
    test.beforeAll(async ({ baseURL }) => {
      victim = await createUser(baseURL!);
      await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [victim.id]);
    });

    const forged = () => ({
      "x-user-id": victim.id,
      "x-user-role": "admin",
      "x-session-id": "forged-session",
      "x-auth-proof": "A".repeat(43),
      "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy",
    });

    test("on the API", async ({ request }) => {
      const response = await request.get("/api/auth/session", { headers: forged() });
      expect(response.status()).toBe(401);
    });

    test("on pages and their RSC and prefetch variants", async ({ request }) => {
      const variants: Array<[string, Record<string, string>]> = [
        ["/dashboard", {}],
        ["/dashboard/", {}],
        ["/dashboard?_rsc=abc", { rsc: "1" }],
        ["/dashboard?_rsc=abc", { rsc: "1", "next-router-prefetch": "1" }],
        ["/dashboard.rsc", { rsc: "1" }],
        ["/dashboard.prefetch.rsc", { rsc: "1", "next-router-prefetch": "1" }],
        ["/dashboard.segments/_tree.segment.rsc", { rsc: "1", "next-router-segment-prefetch": "/_tree" }],
        ["/%64ashboard", {}],
      ];
      for (const [path, extra] of variants) {
        const response = await request.get(path, { headers: { ...forged(), ...extra }, maxRedirects: 0 });
        // 308 is Next's trailing-slash redirect, to the bare path the proxy then guards.
        expect([307, 308, 401, 404], `${path} ${JSON.stringify(extra)} → ${response.status()}`).toContain(response.status());
        expect(await response.text()).not.toContain(victim.id);
      }
    });

    test("and a signed-in user cannot borrow someone else's identity with them", async ({ request, user }) => {
      await signIn(request, user);
      const response = await request.get("/api/auth/session", { headers: forged() });
      expect(response.status()).toBe(200);
      expect((await response.json()).user).toMatchObject({ id: user.id, role: "user" });
    });
  });

  test.describe("/api/ping skips the proxy, and no other path does", () => {
    // A dead cookie on a GET is cleared by the proxy alone: how a test tells which requests it saw.
    const dead = { cookie: `${COOKIE}=${"A".repeat(43)}` };

    test("/api/ping answers by itself, whatever identity headers come with it", async ({ request }) => {
      const forged = { "x-user-id": "someone", "x-user-role": "admin", "x-session-id": "s", "x-auth-proof": "A".repeat(43) };
      const response = await request.get("/api/ping", { headers: { ...dead, ...forged } });
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
      expect(sessionCookieOf(response)).toBeUndefined();
      for (const name of IDENTITY_HEADERS) expect(response.headers()[name], name).toBeUndefined();
    });

    test("paths that only look like it go through the proxy", async ({ request }) => {
      for (const path of ["/api/pingx", "/api/ping/x", "/api/PING", "/api/ping.rsc", "/api/p%69ng"]) {
        const response = await request.get(path, { headers: dead, maxRedirects: 0 });
        expect(response, path).toClearSessionCookie();
        expect(response.status(), path).toBe(404);
      }
      // Next's own trailing-slash redirect, before any route: it lands on /api/ping itself.
      const slash = await request.get("/api/ping/", { headers: dead, maxRedirects: 0 });
      expect(slash.status()).toBe(308);
      expect(slash.headers().location).toBe("/api/ping");
    });
  });
});
