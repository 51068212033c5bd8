import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, staticSecurityHeaders } from "@/lib/http/security-headers";

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
