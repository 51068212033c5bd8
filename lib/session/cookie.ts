import { getEnv } from "@/lib/env";
import type { CookieToSend } from "@/lib/session/types";

/**
 * The one owner of the session cookie (SPEC §2): its name and flags are decided here and nowhere
 * else. proxy.ts, the route wrapper and the data-access function read, set and clear it through
 * these functions and never name it.
 */

// __Host- makes the browser refuse the cookie unless Secure, Path=/ and no Domain: no subdomain
// or plain-http page can plant or overwrite it (RFC 6265bis §4.1.3.2). It needs HTTPS, so
// development uses a plain name.
export const SESSION_COOKIE_NAMES = { production: "__Host-session", development: "session" } as const;

/** Anything with Next's response cookie jar (NextResponse). */
export type CookieJarOwner = { cookies: { set: (name: string, value: string, options: object) => unknown } };

export type SessionCookieJar = {
  readonly name: string;
  read(headers: Headers): string | undefined;
  set(response: CookieJarOwner, cookie: CookieToSend): void;
  clear(response: CookieJarOwner): void;
};

/** For tests and the functions below; the app never picks `isProduction` itself. */
export function createSessionCookieJar(isProduction: boolean): SessionCookieJar {
  const name = isProduction ? SESSION_COOKIE_NAMES.production : SESSION_COOKIE_NAMES.development;
  const attributes = {
    httpOnly: true, // no script, XSS included, can read the ticket
    sameSite: "lax", // not sent on cross-site POSTs; the proxy's Origin check covers the rest
    path: "/",
    secure: isProduction, // http://localhost has no TLS; production is HTTPS-only (__Host-)
  } as const;
  return {
    name,
    read: (headers) => readCookie(headers.get("cookie"), name),
    // Not persistent ("remember me" off): no Max-Age or Expires, so the browser drops it when it
    // ends its session. Only a convenience: browsers that restore sessions keep it, and the
    // server's idle and absolute limits are what end the session either way.
    set: (response, { cookieValue, maxAgeSeconds, persistent }) =>
      void response.cookies.set(name, cookieValue, persistent ? { ...attributes, maxAge: maxAgeSeconds } : attributes),
    clear: (response) => void response.cookies.set(name, "", { ...attributes, maxAge: 0 }),
  };
}

let jar: SessionCookieJar | undefined;
function current(): SessionCookieJar {
  jar ??= createSessionCookieJar(getEnv().isProduction);
  return jar;
}

/** The session cookie a request carries (its Cookie header), if any; nothing is validated here. */
export function readSessionCookie(headers: Headers): string | undefined {
  return current().read(headers);
}

export function setSessionCookie(response: CookieJarOwner, cookie: CookieToSend): void {
  current().set(response, cookie);
}

/** Tells the browser to drop its session cookie (an empty value that expires at once). */
export function clearSessionCookie(response: CookieJarOwner): void {
  current().clear(response);
}

/**
 * One cookie's value from a Cookie header, parsed the way Next parses `request.cookies`: pairs
 * split at "; ", the last of duplicate names wins, a value that fails to URI-decode is skipped, a
 * bare name reads as "true". Read from the header because Next's cookies() builds mutable request
 * and response jars on every call (~20 µs) for what is one lookup.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const pair of header.split(/; */)) {
    const eq = pair.indexOf("=");
    // A bare name reads as "true" to Next (and is no valid session to either store).
    if (eq === -1) {
      if (pair === name) found = "true";
      continue;
    }
    if (pair.slice(0, eq) !== name) continue;
    try {
      found = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      // Next drops a pair it cannot decode; so do we.
    }
  }
  return found;
}
