import { NextResponse } from "next/server";
import { describe } from "@/lib/auth/messages";
import { getEnv } from "@/lib/env";
import type { BodyKind } from "@/lib/http/body";
import { safeNextPath } from "@/lib/auth/next-path";
import { clearSessionCookie, setSessionCookie, type CookieToSend, type NewSession } from "@/lib/session";
import type { PublicUser } from "@/lib/users";

export type Success = { ok: true; status: number; body: unknown; redirectTo: string; session?: CookieToSend | "clear" };

/** `error` and `fields` hold message codes (lib/auth/messages.ts) or, for zod's own, text. */
export type Failure = {
  ok: false;
  status: number;
  error: string;
  fields?: Record<string, string[]>;
  headers?: Record<string, string>;
};

/** Where a no-JavaScript form goes back to on failure, and the `next` it should keep. */
export type FormTarget = { path: string; next?: string };

// A form post can only react to a redirect; these two mean the request itself was unusable.
const JSON_ONLY_STATUSES = new Set([413, 415]);

function withCookie(response: NextResponse, session: CookieToSend | "clear" | undefined): NextResponse {
  if (session === "clear") clearSessionCookie(response);
  else if (session) setSessionCookie(response, session);
  return response;
}

function seeOther(location: string): NextResponse {
  // Relative Location: the browser resolves it against the URL it posted to, never a Host header.
  return new NextResponse(null, { status: 303, headers: { Location: location } });
}

/** SPEC §4: JSON for JSON callers, a 303 for form posts. Status codes are decided by callers. */
export function respond(kind: BodyKind, outcome: Success | Failure, form: FormTarget): NextResponse {
  if (outcome.ok) {
    const response =
      kind === "form" ? seeOther(outcome.redirectTo) : NextResponse.json(outcome.body, { status: outcome.status });
    return withCookie(response, outcome.session);
  }
  if (kind === "form" && !JSON_ONLY_STATUSES.has(outcome.status)) {
    const query = new URLSearchParams({ error: outcome.error });
    for (const [field, codes] of Object.entries(outcome.fields ?? {})) {
      if (codes[0]) query.set(`f.${field}`, codes[0]);
    }
    if (form.next) query.set("next", safeNextPath(form.next));
    const response = seeOther(`${form.path}?${query}`);
    for (const [name, value] of Object.entries(outcome.headers ?? {})) response.headers.set(name, value);
    return response;
  }
  const config = getEnv();
  const fields =
    outcome.fields &&
    Object.fromEntries(Object.entries(outcome.fields).map(([field, codes]) => [field, codes.map((c) => describe(c, config))]));
  return NextResponse.json(
    { error: describe(outcome.error, config), ...(fields ? { fields } : {}) },
    { status: outcome.status, headers: outcome.headers },
  );
}

/** A new session (signup, login): `{user}` plus the cookie, or for a form a 303 to a safe `next`. */
export function respondSignedIn(
  kind: BodyKind,
  status: 200 | 201,
  result: { user: PublicUser; newSession: NewSession },
  next: string | undefined,
  form: FormTarget,
): NextResponse {
  return respond(
    kind,
    { ok: true, status, body: { user: result.user }, redirectTo: safeNextPath(next ?? form.next), session: result.newSession },
    form,
  );
}

/** The failure for an expected `reason`; a rate limit becomes 429 with Retry-After (SPEC §4). */
export function failure(
  result: { reason: string; retryAfterSeconds?: number },
  status: number,
): Failure {
  if (result.reason === "rate-limited") {
    return { ok: false, status: 429, error: "rate-limited", headers: { "Retry-After": String(result.retryAfterSeconds ?? 60) } };
  }
  const headers = result.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(result.retryAfterSeconds) };
  return { ok: false, status, error: result.reason, ...(headers ? { headers } : {}) };
}

export function jsonError(status: number, error: string): NextResponse {
  return NextResponse.json({ error }, { status });
}
