import type { APIResponse } from "@playwright/test";
import { expect, test } from "../fixtures";

function expectSecurityHeaders(response: APIResponse, what: string) {
  const h = response.headers();
  expect(h["content-security-policy"], what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(h["content-security-policy"], what).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"], what).toContain("object-src 'none'");
  expect(h["content-security-policy"], what).not.toContain("unsafe-eval");
  expect(h["content-security-policy"], what).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
  expect(h["content-security-policy"], what).not.toContain("unsafe-inline");
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  expect(h["permissions-policy"], what).toContain("camera=()");
  expect(h["x-frame-options"], what).toBe("DENY");
  expect(h["strict-transport-security"], what).toBe("max-age=63072000; includeSubDomains");
}

const nonceOf = (response: APIResponse) => /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"] ?? "")?.[1];

test.describe("security headers", () => {
  test("on pages, API answers, redirects and the proxy's own refusals", async ({ request }) => {
    expectSecurityHeaders(await request.get("/"), "home page");
    expectSecurityHeaders(await request.get("/login"), "login page");
    expectSecurityHeaders(await request.get("/api/auth/session"), "401 JSON");
    expectSecurityHeaders(await request.get("/dashboard", { maxRedirects: 0 }), "307 to login");
    expectSecurityHeaders(await request.post("/api/auth/logout", { headers: { origin: "https://evil.example" } }), "403 CSRF");
    expectSecurityHeaders(await request.get("/no-such-page"), "404 page");
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
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  });
});
