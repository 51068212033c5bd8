import "server-only";
import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { proofKey, readVerifiedClaims } from "@/lib/auth/proof";
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

/** For pages: the signed-in session, or a redirect to the login page. */
export async function requireUser(): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect("/login");
  return current;
}

/** For pages: the signed-in session of a user with `role`; others get the 403 page (app/forbidden.tsx). */
export async function requireRole(role: PublicRole): Promise<CurrentSession> {
  const current = await requireUser();
  if (current.user.role !== role) forbidden();
  return current;
}

export type Authenticated = { ok: true; current: CurrentSession; cookieValue: string | undefined } | { ok: false; response: NextResponse };

/**
 * For route handlers: the signed-in session (of a user with `role`, if given), or the response to
 * send instead: 401, 403, or 503 when the user or revocation data cannot be read (fail closed).
 */
export async function authenticate(options: { role?: PublicRole } = {}): Promise<Authenticated> {
  try {
    const current = await getCurrentSession();
    if (!current) return { ok: false, response: NextResponse.json({ error: "Authentication required" }, { status: 401 }) };
    if (options.role && current.user.role !== options.role) {
      return { ok: false, response: NextResponse.json({ error: "Forbidden" }, { status: 403 }) };
    }
    return { ok: true, current, cookieValue: readSessionCookie(await headers()) };
  } catch (error) {
    console.error("authenticate: session store unreachable", error);
    return { ok: false, response: NextResponse.json({ error: "Service unavailable" }, { status: 503 }) };
  }
}
