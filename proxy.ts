import { NextResponse, type NextRequest } from "next/server";
import { AUTH_HEADERS, proofKey, signProof } from "@/lib/auth/proof";
import { getEnv } from "@/lib/env";
import { isCrossSiteWrite } from "@/lib/http/origin";
import { ruleFor } from "@/lib/http/outcomes";
import { fail, respond } from "@/lib/http/respond";
import { applySecurityHeaders, contentSecurityPolicy, generateNonce } from "@/lib/http/security-headers";
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
  const { isProduction } = getEnv();
  const csp = contentSecurityPolicy(generateNonce(), isProduction);
  // The path is classified once per request, for the gate and for the headers alike.
  const route = routeOf(request.nextUrl.pathname);
  const flash = recoveryCodesFlash(request);
  const response = applySecurityHeaders(await gate(request, csp, route, flash), csp, isProduction);
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

async function gate(request: NextRequest, csp: string, route: Route, flash: string | undefined): Promise<NextResponse> {
  const env = getEnv();
  if (isCrossSiteWrite(request, env)) return respond(fail("cross-origin"), "json");

  const { pathname, search } = request.nextUrl;
  const { access, role: needed } = route;
  const headers = new Headers(request.headers);
  for (const name of STRIPPED_HEADERS) headers.delete(name);
  // Next reads the nonce for its own script tags from the request's CSP header.
  headers.set("content-security-policy", csp);
  headers.set(REQUESTED_PATH_HEADER, `${pathname}${search}`);
  if (flash) headers.set(RECOVERY_CODES_FLASH_HEADER, flash);

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
      response = NextResponse.next({ request: { headers } });
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
  headers.set(AUTH_HEADERS.userId, userId);
  headers.set(AUTH_HEADERS.role, role);
  headers.set(AUTH_HEADERS.sessionId, sessionId);
  headers.set(AUTH_HEADERS.proof, signProof({ userId, role, sessionId }, proofKey()));

  // A signed-in user without the area's role gets a 403 from here: a plain page that shows with
  // or without JavaScript (Next renders forbidden() only client-side, and drops a rewrite's
  // status). requireRole() in the page is the second line, not the only one.
  if (needed && role !== needed) return forbidden(access, role);

  // Set on the forwarded request only, never on the response the browser sees (SPEC §3.3).
  const response = NextResponse.next({ request: { headers } });
  // A re-sealed cookie (sliding expiry, newer secret) goes back on reads only: on a POST the
  // handler may be replacing or clearing the cookie itself.
  const { refreshed } = lookup.session;
  if (refreshed && mayChangeCookie(request)) {
    setSessionCookie(response, refreshed);
  }
  return response;
}

export const config = {
  // Everything but build assets. No "any path with a dot" exclusion: that would let
  // /dashboard.rsc and other RSC/prefetch variants of protected pages skip the proxy.
  matcher: ["/((?!_next/static/|_next/image|favicon\\.ico$).*)"],
};
