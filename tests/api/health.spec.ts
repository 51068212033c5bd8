import { COOKIE, expect, sessionCookieOf, test } from "../fixtures";

test.describe("GET /api/health", () => {
  test("answers without a session and is never cached", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  test("still goes through the proxy, unlike /api/ping", async ({ request }) => {
    // Only the proxy clears a dead cookie; /api/health is the proxied twin of /api/ping.
    const dead = { cookie: `${COOKIE}=${"A".repeat(43)}` };
    const health = await request.get("/api/health", { headers: dead });
    expect(health.status()).toBe(200);
    expect(health).toClearSessionCookie();
    const ping = await request.get("/api/ping", { headers: dead });
    expect(ping.status()).toBe(200);
    expect(sessionCookieOf(ping)).toBeUndefined();
  });

  test("/api/ping: the same answer, and the same headers from next.config.ts", async ({ request }) => {
    const [health, ping] = [await request.get("/api/health"), await request.get("/api/ping")];
    expect(await ping.json()).toEqual(await health.json());
    for (const name of ["cache-control", "content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "strict-transport-security"]) {
      expect(ping.headers()[name], name).toBeTruthy();
      expect(ping.headers()[name], name).toBe(health.headers()[name]);
    }
  });
});
