import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { safeNextPath } from "@/lib/auth/next-path";
import { proofKey, readVerifiedClaims } from "@/lib/auth/proof";
import { loginPath, REQUESTED_PATH_HEADER } from "@/lib/routes";
import { getSessionStore, readSessionCookie, type CurrentSession } from "@/lib/session";
import type { PublicRole, PublicUser } from "@/lib/users";

/**
 * The one data-access function (SPEC §3): trusts identity headers only with a valid proof made
 * by proxy.ts, then loads the user and session. Every page and route handler goes through it,
 * so a route the proxy's matcher missed is anonymous, never open. Memoised per request.
 */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const requestHeaders = await headers();
  const claims = readVerifiedClaims(requestHeaders, proofKey());
  if (!claims) return null;
  // The store checks the claims against the very cookie the proxy validated.
  return getSessionStore().loadCurrent(claims, readSessionCookie(requestHeaders));
});

export async function getCurrentUser(): Promise<PublicUser | null> {
  return (await getCurrentSession())?.user ?? null;
}

/** For pages: the signed-in session, or the login page, coming back here afterwards (as the proxy does). */
export async function requireUser(): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect(loginPath(safeNextPath((await headers()).get(REQUESTED_PATH_HEADER), "")));
  return current;
}

/** For pages: the signed-in session of a user with `role`; others get the 403 page (app/forbidden.tsx). */
export async function requireRole(role: PublicRole): Promise<CurrentSession> {
  const current = await requireUser();
  if (current.user.role !== role) forbidden();
  return current;
}

export type Authenticated =
  | { ok: true; current: CurrentSession }
  | { ok: false; reason: "unauthenticated" | "forbidden" | "store-unavailable" };

/**
 * For route handlers (through lib/http/route.ts): the signed-in session, of a user with `role`
 * if given, or why not. The user or revocation data that cannot be read is "store-unavailable":
 * the caller refuses (fail closed).
 */
export async function authenticate(options: { role?: PublicRole } = {}): Promise<Authenticated> {
  let current: CurrentSession | null;
  try {
    current = await getCurrentSession();
  } catch (error) {
    console.error("authenticate: session store unreachable", error);
    return { ok: false, reason: "store-unavailable" };
  }
  if (!current) return { ok: false, reason: "unauthenticated" };
  if (options.role && current.user.role !== options.role) return { ok: false, reason: "forbidden" };
  return { ok: true, current };
}
