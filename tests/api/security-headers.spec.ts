import type { APIResponse } from "@playwright/test";
import { API_CONTENT_SECURITY_POLICY } from "@/lib/http/security-headers";
import { expect, signIn, test } from "../fixtures";

// Each header once: a header both next.config.ts and proxy.ts set must reach the browser as the
// proxy's value alone, never as two (a browser would enforce both CSPs, or ignore a doubled one).
function only(response: APIResponse, name: string, what: string): string | undefined {
  const values = response.headersArray().filter((header) => header.name.toLowerCase() === name);
  expect(values.length, `${name} once on ${what}`).toBeLessThanOrEqual(1);
  return values[0]?.value;
}

/** From next.config.ts on every path (OWASP Secure Headers), the proxy's own answers included. */
function expectStaticHeaders(response: APIResponse, what: string) {
  expect(only(response, "x-content-type-options", what), what).toBe("nosniff");
  expect(only(response, "referrer-policy", what), what).toBe("strict-origin-when-cross-origin");
  expect(only(response, "permissions-policy", what), what).toContain("camera=()");
  expect(only(response, "x-frame-options", what), what).toBe("DENY");
  expect(only(response, "cross-origin-opener-policy", what), what).toBe("same-origin");
  expect(only(response, "strict-transport-security", what), what).toBe("max-age=63072000; includeSubDomains");
}

/** A page (or whatever the proxy answers for a page's path): the proxy's policy, with a fresh nonce. */
function expectPageHeaders(response: APIResponse, what: string) {
  expectStaticHeaders(response, what);
  const csp = only(response, "content-security-policy", what);
  expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).not.toContain("unsafe-eval");
  expect(csp, what).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
  expect(csp, what).not.toContain("unsafe-inline");
}

/** JSON under /api/: a fixed policy from next.config.ts, no nonce made for it. */
function expectApiHeaders(response: APIResponse, what: string) {
  expectStaticHeaders(response, what);
  expect(only(response, "content-security-policy", what), what).toBe(API_CONTENT_SECURITY_POLICY);
  expect(response.headers()["content-type"], what).toContain("application/json");
}

const nonceOf = (response: APIResponse) => /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"] ?? "")?.[1];

test.describe("security headers", () => {
  test("pages, and what the proxy answers on a page's path, carry a nonce policy", async ({ request }) => {
    expectPageHeaders(await request.get("/"), "home page");
    expectPageHeaders(await request.get("/login"), "login page");
    expectPageHeaders(await request.get("/no-such-page"), "404 page");
    expectPageHeaders(await request.get("/dashboard", { maxRedirects: 0 }), "proxy's 307 to login");
    // Only /api/ paths go without a nonce: /api itself and other spellings are pages to Next.
    expectPageHeaders(await request.get("/api"), "/api, a 404 page");
    expectPageHeaders(await request.get("/API/health"), "/API/health, a 404 page");
    expectPageHeaders(await request.get("/favicon.ico"), "/favicon.ico, a 404 page");
  });

  test("API answers carry a fixed policy, the proxy's own refusals included", async ({ request }) => {
    expectApiHeaders(await request.get("/api/health"), "route handler");
    expectApiHeaders(await request.get("/api/ping"), "route handler the proxy skips");
    expectApiHeaders(await request.get("/api/auth/session"), "proxy's 401 JSON");
    expectApiHeaders(await request.post("/api/auth/logout", { headers: { origin: "https://evil.example" } }), "proxy's 403 CSRF");
    expectApiHeaders(await request.get("/api/no-such-route"), "404 JSON");
  });

  test("the proxy's own 403 page for a signed-in user without the role", async ({ request, user }) => {
    await signIn(request, user);
    const response = await request.get("/admin", { maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expectPageHeaders(response, "proxy's 403 page");
    expectApiHeaders(await request.get("/api/admin/users"), "proxy's 403 JSON");
  });

  test("a page that carries a token: the proxy's no-referrer wins over next.config.ts", async ({ request }) => {
    const response = await request.get("/reset-password?token=abc");
    expect(only(response, "referrer-policy", "token page")).toBe("no-referrer");
    expect(only(response, "x-content-type-options", "token page")).toBe("nosniff");
  });

  test("a fresh nonce on every request, and Next's scripts carry it", async ({ request }) => {
    const first = await request.get("/login");
    const second = await request.get("/login");
    const nonce = nonceOf(first);
    expect(nonce).toBeTruthy();
    expect(nonceOf(second)).not.toBe(nonce);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  test("a nonce sent by the client is never used", async ({ request }) => {
    const response = await request.get("/login", { headers: { "content-security-policy": "script-src 'nonce-attacker'", "x-nonce": "attacker" } });
    expect(response.headers()["content-security-policy"]).not.toContain("attacker");
    expect(await response.text()).not.toContain('nonce="attacker"');
  });

  test("build assets get the static headers too", async ({ request }) => {
    const html = await (await request.get("/login")).text();
    const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
    expect(asset).toBeTruthy();
    const response = await request.get(asset!);
    expect(response.status()).toBe(200);
    expectStaticHeaders(response, asset!);
  });
});
