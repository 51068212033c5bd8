import { describe, expect, it } from "vitest";
import { API_CONTENT_SECURITY_POLICY, contentSecurityPolicy, isApiPath, securityHeaderRules, staticSecurityHeaders } from "@/lib/http/security-headers";

const NONCE = "bm9uY2Utbm9uY2Utbm9uY2U=";
const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0], d] as const));

describe("contentSecurityPolicy", () => {
  it("production: exactly this policy, byte for byte (issue 12: the development relaxation never reaches it)", () => {
    expect(contentSecurityPolicy(NONCE, true)).toBe(
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${NONCE}' 'strict-dynamic'`,
        `style-src 'self' 'nonce-${NONCE}'`,
        "img-src 'self' blob: data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
  });

  it("development: inline styles for Next's overlay and dev-tools indicator, eval for React; nothing else differs", () => {
    const development = directives(contentSecurityPolicy(NONCE, false));
    const production = directives(contentSecurityPolicy(NONCE, true));
    // A nonce would make the browser ignore 'unsafe-inline', so development's style-src has none.
    expect(development.get("style-src")).toBe("style-src 'self' 'unsafe-inline'");
    expect(development.get("script-src")).toBe(`script-src 'self' 'nonce-${NONCE}' 'strict-dynamic' 'unsafe-eval'`);
    for (const name of ["style-src", "script-src"]) {
      development.delete(name);
      production.delete(name);
    }
    expect([...development]).toEqual([...production]);
  });
});

describe("staticSecurityHeaders", () => {
  it("sends HSTS in production only", () => {
    expect(staticSecurityHeaders(true)["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    expect(staticSecurityHeaders(false)).not.toHaveProperty("Strict-Transport-Security");
  });
});

describe("API_CONTENT_SECURITY_POLICY", () => {
  it("lets a JSON answer load nothing and be framed nowhere, with no nonce to make", () => {
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe("isApiPath", () => {
  it("is the raw /api/ prefix only: whatever else next.config.ts might count as /api gets the page policy", () => {
    for (const path of ["/api/health", "/api/auth/session", "/api/ping"]) expect(isApiPath(path), path).toBe(true);
    for (const path of ["/api", "/API/health", "/%61pi/health", "/apix", "/", "/dashboard", "/login/api/x"]) expect(isApiPath(path), path).toBe(false);
  });
});

describe("securityHeaderRules (next.config.ts headers())", () => {
  it("the nonce-free headers on every path; the fixed CSP on /api/ paths; no page CSP (the proxy's, per request)", () => {
    const rules = securityHeaderRules(true);
    const byPath = new Map(rules.map((rule) => [rule.source, Object.fromEntries(rule.headers.map(({ key, value }) => [key, value]))]));
    expect([...byPath.keys()]).toEqual(["/:path*", "/api/:path*"]);
    expect(byPath.get("/:path*")).toEqual(staticSecurityHeaders(true));
    expect(byPath.get("/api/:path*")).toEqual({ "Content-Security-Policy": API_CONTENT_SECURITY_POLICY });
    expect(securityHeaderRules(false)[0]?.headers.map(({ key }) => key)).not.toContain("Strict-Transport-Security");
  });
});
