const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * CSRF defence (SPEC §3.6, OWASP CSRF cheat sheet "verifying origin with standard headers").
 * Browsers send Origin on every cross-origin POST and Sec-Fetch-Site on every request, so a
 * state-changing request with neither did not come from a browser, and carries no ambient
 * cookie an attacker could ride on: it is allowed.
 */
export function isCrossSiteWrite(request: Request, appOrigin: string | undefined): boolean {
  if (!STATE_CHANGING.has(request.method.toUpperCase())) return false;
  const origin = request.headers.get("origin");
  if (origin !== null) return origin !== (appOrigin ?? new URL(request.url).origin);
  const site = request.headers.get("sec-fetch-site");
  // `same-site` is refused too: a sibling subdomain is not this app.
  if (site !== null) return site !== "same-origin" && site !== "none";
  return false;
}

/**
 * The client's IP, from the platform only: `x-forwarded-for` is client-controlled unless a proxy
 * we trust (TRUST_PROXY, or Vercel) overwrites it, so without that we do not guess.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string | null {
  if (!trustProxy) return null;
  const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return first ? first.slice(0, 64) : null;
}

export function requestMeta(headers: Headers, trustProxy: boolean) {
  return { userAgent: headers.get("user-agent"), ip: clientIp(headers, trustProxy) };
}
