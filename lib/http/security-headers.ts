import { randomBytes } from "node:crypto";

// OWASP ASVS V14.4 / OWASP Secure Headers. Set by proxy.ts on every response it makes or passes
// on; next.config.ts repeats the nonce-free ones for the build assets the proxy never sees.

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

/** Headers without a per-request part (also in next.config.ts for static assets). */
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

const staticHeaders = { production: staticSecurityHeaders(true), development: staticSecurityHeaders(false) };

/** `csp` is the request's policy, already built once for the forwarded request (proxy.ts). */
export function applySecurityHeaders<R extends { headers: Headers }>(response: R, csp: string, isProduction: boolean): R {
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(staticHeaders[isProduction ? "production" : "development"])) {
    response.headers.set(name, value);
  }
  return response;
}
