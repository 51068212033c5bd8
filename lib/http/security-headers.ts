import { randomBytes } from "node:crypto";

// OWASP ASVS V14.4 / OWASP Secure Headers. Where each one comes from (docs/security.md):
// - the nonce-free headers, on every path: next.config.ts headers() (securityHeaderRules), which
//   Next applies to route handlers, pages, 404s and the proxy's own answers alike;
// - a page's CSP, with a fresh nonce: proxy.ts, per request (Next stamps its scripts with it);
// - an API answer's CSP, fixed (no nonce): next.config.ts, for every /api/ path.

/** A fresh nonce per request: an injected script cannot guess it (128 bits). */
export function generateNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, isProduction: boolean): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next's nonced loader adds are trusted; nothing else runs. React
    // needs eval in development only, for its error overlays.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isProduction ? "" : " 'unsafe-eval'"}`,
    // Next's development overlay and dev-tools indicator set inline styles without the nonce, and
    // a nonce makes browsers ignore 'unsafe-inline': development trades the nonce for it.
    isProduction ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'", // no clickjacking: the login form cannot be framed
  ].join("; ");
}

/**
 * JSON answers are never a document that runs anything: nothing may load, nothing may frame
 * them (OWASP REST Security cheat sheet). Fixed, so no nonce is made for an API request.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The paths whose answers get API_CONTENT_SECURITY_POLICY from next.config.ts (`/api/:path*`), as
 * the proxy tells them: the raw path, case and all. Anything next.config.ts might not count as
 * /api/ gets the page policy from the proxy instead, so no answer goes without a CSP.
 */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/");
}

/** Headers without a per-request part: next.config.ts sends them on every path. */
export function staticSecurityHeaders(isProduction: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    // Two years, subdomains too; only in production, where the app is served over HTTPS.
    ...(isProduction ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

type HeaderRule = { source: string; headers: { key: string; value: string }[] };

/**
 * next.config.ts headers(). Next applies them before proxy.ts runs and keeps them on whatever the
 * proxy answers or passes on; a header the proxy sets itself wins (a page's nonce CSP, a token
 * page's `Referrer-Policy: no-referrer`).
 */
export function securityHeaderRules(isProduction: boolean): HeaderRule[] {
  const list = (headers: Record<string, string>) => Object.entries(headers).map(([key, value]) => ({ key, value }));
  return [
    { source: "/:path*", headers: list(staticSecurityHeaders(isProduction)) },
    { source: "/api/:path*", headers: list({ "Content-Security-Policy": API_CONTENT_SECURITY_POLICY }) },
  ];
}
