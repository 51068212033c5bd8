export type SessionCookie = {
  name: string;
  value: string;
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  secure: boolean;
  maxAge: number;
};

// __Host- makes the browser refuse the cookie unless Secure, Path=/ and no Domain: no subdomain
// or plain-http page can plant or overwrite it (RFC 6265bis §4.1.3.2). It needs HTTPS, so
// development uses a plain name.
export function sessionCookieName(isProduction: boolean): string {
  return isProduction ? "__Host-session" : "session";
}

export function sessionCookie(isProduction: boolean, value: string, maxAgeSeconds: number): SessionCookie {
  return {
    name: sessionCookieName(isProduction),
    value,
    httpOnly: true, // no script, XSS included, can read the ticket
    sameSite: "lax", // not sent on cross-site POSTs; the proxy's Origin check covers the rest
    path: "/",
    secure: isProduction,
    maxAge: maxAgeSeconds,
  };
}

export function expiredSessionCookie(isProduction: boolean): SessionCookie {
  return sessionCookie(isProduction, "", 0);
}

/** Puts the cookie on a response (NextResponse, or anything with the same cookie jar). */
export function setSessionCookie(response: { cookies: { set: (name: string, value: string, options: object) => unknown } }, cookie: SessionCookie) {
  const { name, value, ...options } = cookie;
  response.cookies.set(name, value, options);
}
