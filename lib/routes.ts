import type { MessageCode } from "@/lib/auth/messages";

// Path prefixes by audience, shared by proxy.ts and the tests. Route groups like (app) are
// invisible to the proxy, so it goes by these.

export const PROTECTED_PAGE_PREFIXES = ["/dashboard", "/settings", "/admin"] as const;
export const PROTECTED_API_PREFIXES = [
  "/api/auth/session",
  "/api/auth/sessions",
  "/api/auth/logout-all",
  "/api/auth/password",
  "/api/auth/mfa",
  "/api/admin",
] as const;
/**
 * Exceptions inside a protected prefix: the mailed-link routes under /api/auth/password work
 * signed out (SPEC §7), and so does the second step of a login (SPEC §8). They win over every list above.
 */
export const PUBLIC_API_PREFIXES = ["/api/auth/password/forgot", "/api/auth/password/reset", "/api/auth/mfa/verify"] as const;
/** Pages a signed-in user is sent away from, to /dashboard. */
export const ANONYMOUS_ONLY_PREFIXES = ["/login", "/signup"] as const;

/**
 * Areas that need a role, on top of a session. Adding a role-gated area is one line here plus
 * `requireRole()` in its pages (or `authenticate({ role })` in its route handlers).
 */
export const ROLE_PREFIXES: ReadonlyArray<readonly [prefix: string, role: "admin"]> = [
  ["/admin", "admin"],
  ["/api/admin", "admin"],
];

/**
 * Pages whose URL carries a mailed link's token (SPEC §7): they send `Referrer-Policy:
 * no-referrer`, so no link on them can hand the token to another site.
 */
export const TOKEN_PAGE_PREFIXES = ["/verify-email", "/reset-password", "/confirm-email"] as const;

export const LOGIN_PATH = "/login";
export const HOME_PATH = "/dashboard";
export const ADMIN_PATH = "/admin";
/** The second step of a login with two-factor on (SPEC §8): a TOTP or recovery code. */
export const MFA_VERIFY_PATH = "/login/verify";
export const TWO_FACTOR_SETTINGS_PATH = "/settings/two-factor";
/** Where new recovery codes are shown once (the flash cookie's Path). */
export const RECOVERY_CODES_PATH = "/settings/two-factor/recovery-codes";

/**
 * The path and query the browser asked for, set by proxy.ts on the request it forwards (inbound
 * copies are dropped), so requireUser() can send a user to the login page and back like the proxy.
 */
export const REQUESTED_PATH_HEADER = "x-requested-path";

/** The login page, coming back to `next` afterwards; the login page passes `next` through safeNextPath. */
export function loginPath(next?: string | null): string {
  return next ? `${LOGIN_PATH}?${new URLSearchParams({ next })}` : LOGIN_PATH;
}

/** A page with one of lib/auth/messages.ts's notices on it ("Password changed", …). */
export function withNotice(path: string, notice: MessageCode): string {
  return `${path}?${new URLSearchParams({ notice })}`;
}

export type Access = "protected-page" | "protected-api" | "anonymous-only" | "public";

/**
 * Segment-aware prefix match: `/dashboard` covers `/dashboard/x`, and also `/dashboard.rsc` and
 * `/dashboard.segments/…` (RSC and prefetch variants of the same page), but not `/dashboards`.
 */
export function matchesPrefix(pathname: string, prefix: string): boolean {
  if (!pathname.startsWith(prefix)) return false;
  const next = pathname.charAt(prefix.length);
  return next === "" || next === "/" || next === ".";
}

function normalise(pathname: string): string {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    // A malformed escape cannot name a protected page any better than the raw path does.
  }
  // Trailing slashes and doubled slashes name the same page; match on the folded form.
  path = path.replace(/\/{2,}/g, "/");
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export type Route = {
  access: Access;
  /** The role the area needs on top of a session, if any. */
  role?: "admin";
  /** A page whose URL carries a mailed link's token (TOKEN_PAGE_PREFIXES). */
  carriesToken?: true;
};

/** Who may see a path: normalised once, matched against every prefix list (runs on every request). */
export function routeOf(pathname: string): Route {
  const path = normalise(pathname).toLowerCase();
  const match = (prefixes: readonly string[]) => prefixes.some((prefix) => matchesPrefix(path, prefix));
  const role = ROLE_PREFIXES.find(([prefix]) => matchesPrefix(path, prefix))?.[1];
  let access: Access = "public";
  if (match(PUBLIC_API_PREFIXES)) access = "public";
  else if (match(PROTECTED_API_PREFIXES)) access = "protected-api";
  else if (match(PROTECTED_PAGE_PREFIXES)) access = "protected-page";
  else if (match(ANONYMOUS_ONLY_PREFIXES)) access = "anonymous-only";
  return { access, ...(role ? { role } : {}), ...(match(TOKEN_PAGE_PREFIXES) ? { carriesToken: true as const } : {}) };
}
