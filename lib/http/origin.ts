const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const firstValue = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

/**
 * The origin the browser addressed (SPEC §4: used when APP_URL is unset). From the Host header,
 * which a victim's browser sets to our host whatever page made it post; `request.url` will not
 * do, as `next start` names itself `localhost` there. Behind a trusted proxy, its forwarded
 * host and scheme describe the public side.
 */
export function requestOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  const forwardedHost = trustProxy ? firstValue(request.headers.get("x-forwarded-host")) : undefined;
  const forwardedProto = trustProxy ? firstValue(request.headers.get("x-forwarded-proto")) : undefined;
  const host = forwardedHost ?? request.headers.get("host") ?? url.host;
  const protocol = forwardedProto ?? url.protocol.replace(/:$/, "");
  return `${protocol}://${host}`;
}

/**
 * The CSRF decision, whole (SPEC §3.6, OWASP CSRF cheat sheet "verifying origin with standard
 * headers"): a state-changing request whose Origin is not this app's (APP_URL, else the origin
 * the browser addressed) is refused. Browsers send Origin on every cross-origin POST and
 * Sec-Fetch-Site on every request, so a write with neither did not come from a browser and
 * carries no ambient cookie an attacker could ride on: it is allowed.
 */
export function isCrossSiteWrite(request: Request, config: { appOrigin?: string; trustProxy: boolean }): boolean {
  if (!STATE_CHANGING.has(request.method.toUpperCase())) return false;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  // A page sent with Referrer-Policy: no-referrer (the mailed-link pages, SPEC §7) makes the
  // browser post `Origin: null`; then the browser's own Sec-Fetch-Site, which no script can set,
  // decides (OWASP CSRF cheat sheet, Fetch Metadata). Without it, "null" stays refused.
  if (origin === "null" && site === "same-origin") return false;
  if (origin !== null) return origin !== (config.appOrigin ?? requestOrigin(request, config.trustProxy));
  // `same-site` is refused too: a sibling subdomain is not this app.
  if (site !== null) return site !== "same-origin" && site !== "none";
  return false;
}
