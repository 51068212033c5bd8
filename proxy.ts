import { NextResponse, type NextRequest } from "next/server";
import { AUTH_HEADERS, proofKey, signProof } from "@/lib/auth/proof";
import { getEnv } from "@/lib/env";
import { isCrossSiteWrite } from "@/lib/http/origin";
import { ruleFor } from "@/lib/http/outcomes";
import { fail, respond } from "@/lib/http/respond";
import { contentSecurityPolicy, generateNonce, isApiPath } from "@/lib/http/security-headers";
import { HOME_PATH, loginPath, RECOVERY_CODES_PATH, REQUESTED_PATH_HEADER, routeOf, type Route } from "@/lib/routes";
import { clearSessionCookie, getSessionStore, readSessionCookie, setSessionCookie, type ValidatedSession } from "@/lib/session";
import { clearFlashCookie, readFlashCookie, RECOVERY_CODES_FLASH_HEADER } from "@/lib/two-factor/cookies";
import { ICON_PATH, navLinks, SIGN_OUT_PATH, STYLESHEET_PATH } from "@/lib/site-shell";
import type { PublicRole } from "@/lib/users";

// Inbound copies are dropped before anything else: only this file may set them (SPEC §3.1).
// x-middleware-subrequest is Next's own loop guard, once abused to skip middleware entirely.
const STRIPPED_HEADERS = [...Object.values(AUTH_HEADERS), REQUESTED_PATH_HEADER, RECOVERY_CODES_FLASH_HEADER, "x-middleware-subrequest"];

type Lookup = { state: "none" } | { state: "invalid" } | { state: "unavailable" } | { state: "valid"; session: ValidatedSession };

async function lookUp(cookieValue: string | undefined, checkRevocation: boolean): Promise<Lookup> {
  if (!cookieValue) return { state: "none" };
  try {
    const session = await getSessionStore().validateSession(cookieValue, { checkRevocation });
    return session ? { state: "valid", session } : { state: "invalid" };
  } catch (error) {
    console.error("proxy: session store unreachable", error);
    return { state: "unavailable" };
  }
}

// Next turns a Location on the request's own host into a relative one, so the browser stays
// on whichever host name it used (and keeps its cookie).
function redirect(request: NextRequest, path: string): NextResponse {
  return NextResponse.redirect(new URL(path, request.url), 307);
}

// The pages the proxy answers itself, in the app's shell: the same stylesheet, icon and header as
// app/layout.tsx (lib/site-shell.ts), written out here because the proxy renders no React. The
// nav is the signed-in one for `role`; without a role (a 503: nobody could be checked) it is left out.
function plainPage(
  status: number,
  title: string,
  body: string,
  options: { role?: PublicRole; headers?: Record<string, string> } = {},
): NextResponse {
  const nav = options.role
    ? `<nav aria-label="Account">${navLinks(options.role)
        .map(({ href, label }) => `<a href="${href}">${label}</a>`)
        .join("")}<form class="inline-form" action="${SIGN_OUT_PATH}" method="post"><button type="submit" class="link-button">Sign out</button></form></nav>`
    : "";
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title} · Cloakroom</title><link rel="icon" href="${ICON_PATH}" type="image/svg+xml"><link rel="stylesheet" href="${STYLESHEET_PATH}"></head>` +
    `<body><a class="skip-link" href="#main">Skip to content</a><header class="site-header"><a class="brand" href="/">Cloakroom</a>${nav}</header>` +
    `<main id="main"><section class="card narrow"><h1>${title}</h1>${body}</section></main></body></html>`;
  return new NextResponse(html, { status, headers: { "content-type": "text/html; charset=utf-8", ...options.headers } });
}

function unavailable(access: string): NextResponse {
  // Fail closed: nobody is let in when sessions cannot be checked (SPEC §3).
  if (access === "protected-api") return respond(fail("store-unavailable"), "json");
  const { status } = ruleFor("store-unavailable");
  return plainPage(status, "Service unavailable", "<p>Please try again shortly.</p>", { headers: { "retry-after": "5" } });
}

// The same words as app/forbidden.tsx, under the user's own header.
function forbidden(access: string, role: PublicRole): NextResponse {
  if (access === "protected-api") return respond(fail("forbidden"), "json");
  const { status } = ruleFor("forbidden");
  return plainPage(status, "403: not allowed", `<p>Your account does not have access to this page. <a href="${HOME_PATH}">Back to your dashboard</a>.</p>`, {
    role,
  });
}

/**
 * Whether this response may change the browser's cookie: a GET the user made (a page load, or a
 * client that is not a browser), never a POST (its handler may be replacing the cookie) nor a
 * fetch a page started in the background (Next's prefetch and RSC requests, which Next hides from
 * the proxy as such but the browser marks `Sec-Fetch-Mode: cors`): one can answer after a POST
 * that changed the cookie, and would clear or put back the old one.
 */
function mayChangeCookie(request: NextRequest): boolean {
  if (request.method !== "GET") return false;
  const mode = request.headers.get("sec-fetch-mode");
  if (mode !== null && mode !== "navigate") return false;
  return !/prefetch/i.test(`${request.headers.get("sec-purpose") ?? ""} ${request.headers.get("purpose") ?? ""}`);
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  // The path is classified once per request, for the gate and for the headers alike.
  const route = routeOf(pathname);
  // A page needs a fresh nonce, on the forwarded request (Next stamps its scripts with it) and on
  // the answer. JSON needs none: next.config.ts gives /api/ answers a fixed policy, and the
  // nonce-free headers to every answer, this proxy's own included.
  const csp = isApiPath(pathname) ? undefined : contentSecurityPolicy(generateNonce(), getEnv().isProduction);
  const flash = csp === undefined ? undefined : recoveryCodesFlash(request);
  const response = await gate(request, csp, route, flash);
  if (csp !== undefined) response.headers.set("Content-Security-Policy", csp);
  // Wins over next.config.ts's strict-origin-when-cross-origin: the proxy's headers come last.
  if (route.carriesToken) response.headers.set("Referrer-Policy", "no-referrer");
  // Delivered once: the page gets the flash on this load (gate), and the browser drops the cookie.
  if (flash) clearFlashCookie(response);
  return response;
}

/**
 * New recovery codes are a delivered-once flash (SPEC §8): the sealed cookie's value, on a load of
 * their page the user made, and only then. A background fetch or a HEAD would render the codes
 * and leave the cookie for another showing; the page cannot read the cookie itself, since this
 * request clears it.
 */
function recoveryCodesFlash(request: NextRequest): string | undefined {
  const { pathname } = request.nextUrl;
  if (pathname.replace(/\/+$/, "").toLowerCase() !== RECOVERY_CODES_PATH || !mayChangeCookie(request)) return undefined;
  return readFlashCookie(request.cookies);
}

/**
 * Passes the request on without inbound copies of the headers only this file may set (SPEC §3.1),
 * plus `set`. With none to drop and none to set, the request goes on as it came: Next then has no
 * header list to copy both ways (the common case of a public API call).
 */
function forward(request: NextRequest, set: Record<string, string>): NextResponse {
  const inbound = STRIPPED_HEADERS.some((name) => request.headers.has(name));
  if (!inbound && Object.keys(set).length === 0) return NextResponse.next();
  const headers = new Headers(request.headers);
  if (inbound) for (const name of STRIPPED_HEADERS) headers.delete(name);
  for (const [name, value] of Object.entries(set)) headers.set(name, value);
  return NextResponse.next({ request: { headers } });
}

async function gate(request: NextRequest, csp: string | undefined, route: Route, flash: string | undefined): Promise<NextResponse> {
  const env = getEnv();
  if (isCrossSiteWrite(request, env)) return respond(fail("cross-origin"), "json");

  const { pathname, search } = request.nextUrl;
  const { access, role: needed } = route;
  // What the app gets on the forwarded request. Pages only: Next reads the nonce for its own
  // script tags from the request's CSP header, and requireUser() the path to come back to.
  const set: Record<string, string> = {};
  if (csp !== undefined) {
    set["content-security-policy"] = csp;
    set[REQUESTED_PATH_HEADER] = `${pathname}${search}`;
  }
  if (flash) set[RECOVERY_CODES_FLASH_HEADER] = flash;

  // Sending a user away from /login needs certainty: a revoked sealed cookie is still well-formed,
  // and bouncing it between /login and a protected page would loop. Protected pages are checked
  // here too, so a store that cannot be reached answers 503 from here, not as a page's crash.
  const lookup = await lookUp(readSessionCookie(request.headers), access === "anonymous-only" || access === "protected-page");
  if (lookup.state === "unavailable" && (access === "protected-page" || access === "protected-api")) {
    return unavailable(access);
  }

  if (lookup.state !== "valid") {
    let response: NextResponse;
    if (access === "protected-api") {
      response = respond(fail("unauthenticated"), "json");
    } else if (access === "protected-page") {
      response = redirect(request, loginPath(`${pathname}${search}`));
    } else {
      response = forward(request, set);
    }
    // Drop a dead cookie, but only on reads the user made: on a POST the handler may be setting a
    // new one, and a background prefetch may answer after a POST that already did.
    if (lookup.state === "invalid" && mayChangeCookie(request)) {
      clearSessionCookie(response);
    }
    return response;
  }

  if (access === "anonymous-only") return redirect(request, HOME_PATH);

  const { userId, role, sessionId } = lookup.session;
  // A signed-in user without the area's role gets a 403 from here: a plain page that shows with
  // or without JavaScript (Next renders forbidden() only client-side, and drops a rewrite's
  // status). requireRole() in the page is the second line, not the only one.
  if (needed && role !== needed) return forbidden(access, role);

  // Set on the forwarded request only, never on the response the browser sees (SPEC §3.3).
  set[AUTH_HEADERS.userId] = userId;
  set[AUTH_HEADERS.role] = role;
  set[AUTH_HEADERS.sessionId] = sessionId;
  set[AUTH_HEADERS.proof] = signProof({ userId, role, sessionId }, proofKey());
  const response = forward(request, set);
  // A re-sealed cookie (sliding expiry, newer secret) goes back on reads only: on a POST the
  // handler may be replacing or clearing the cookie itself.
  const { refreshed } = lookup.session;
  if (refreshed && mayChangeCookie(request)) {
    setSessionCookie(response, refreshed);
  }
  return response;
}

export const config = {
  // Everything but build assets and /api/ping. No "any path with a dot" exclusion: that would let
  // /dashboard.rsc and other RSC/prefetch variants of protected pages skip the proxy. Nor
  // /favicon.ico: there is none (app/icon.svg), and its 404 page needs the nonce CSP like any other.
  // /api/ping is a liveness probe that must answer while the session stores are down, and the
  // bench's measure of this proxy's own cost (the twin of /api/health). That path exactly: Next
  // tries the raw and the decoded path, and the `$` sends /api/ping/x, /api/pingx, /api/PING and
  // /api/ping.rsc through the proxy (tests/api/proxy.spec.ts).
  matcher: ["/((?!_next/static/|_next/image|api/ping$).*)"],
};
