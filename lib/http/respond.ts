import { NextResponse } from "next/server";
import { describe } from "@/lib/auth/messages";
import { safeNextPath } from "@/lib/auth/next-path";
import { getEnv } from "@/lib/env";
import type { BodyKind } from "@/lib/http/body";
import { ruleFor, type Reason } from "@/lib/http/outcomes";
import { LOGIN_PATH, MFA_VERIFY_PATH, RECOVERY_CODES_PATH } from "@/lib/routes";
import { clearSessionCookie, setSessionCookie, type CookieToSend, type NewSession } from "@/lib/session";
import { clearChallengeCookie, sealRecoveryCodesFlash, setChallengeCookie, setFlashCookie } from "@/lib/two-factor/cookies";
import type { PublicUser } from "@/lib/users";

/**
 * What went right. `redirectTo` is where a no-JavaScript form goes next; `session` sets this
 * browser's session cookie (a new session) or clears it; `challenge` sets or clears the pending
 * two-factor challenge cookie; `flash` is a sealed recovery-codes flash, for form posts only.
 */
export type Success = {
  ok: true;
  status?: 200 | 201;
  body: unknown;
  redirectTo?: string;
  session?: CookieToSend | "clear";
  challenge?: { token: string } | "clear";
  flash?: string;
};

/**
 * An expected failure: a reason from lib/http/outcomes.ts, which alone decides the status.
 * `error` (a message code, or zod's text) is shown instead of the reason's own text; `fields`
 * hold message codes per field (lib/auth/messages.ts).
 */
export type Failure = {
  ok: false;
  reason: Reason;
  error?: string;
  fields?: Record<string, string[]>;
  retryAfterSeconds?: number;
};

export type Outcome = Success | Failure;

/**
 * Where a no-JavaScript form goes back to on failure, and what it keeps: the `next` it was
 * heading to, a link's token (a reset form whose password was refused stays usable), and which
 * of the page's forms it was (`method`).
 */
export type FormTarget = { path: string; next?: string; token?: string; method?: string };

function seeOther(location: string): NextResponse {
  // Relative Location: the browser resolves it against the URL it posted to, never a Host header.
  return new NextResponse(null, { status: 303, headers: { Location: location } });
}

// Answers about accounts and sessions are never stored by a browser or a shared cache.
const NO_STORE = { "cache-control": "no-store" };

function withSession(response: NextResponse, session: Success["session"]): NextResponse {
  if (session === "clear") clearSessionCookie(response);
  else if (session) setSessionCookie(response, session);
  return response;
}

/** SPEC §4: JSON for JSON callers, a 303 for form posts; the status from the outcome table. */
export function respond(outcome: Outcome, kind: BodyKind, form?: FormTarget): NextResponse {
  if (outcome.ok) {
    const response =
      kind === "form" && outcome.redirectTo !== undefined
        ? seeOther(outcome.redirectTo)
        : NextResponse.json(outcome.body, { status: outcome.status ?? 200, headers: NO_STORE });
    if (outcome.challenge === "clear") clearChallengeCookie(response);
    else if (outcome.challenge) setChallengeCookie(response, outcome.challenge.token);
    // The codes are in a JSON caller's body already; only a form's next page needs the flash.
    if (outcome.flash !== undefined && kind === "form") setFlashCookie(response, outcome.flash);
    return withSession(response, outcome.session);
  }
  const rule = ruleFor(outcome.reason);
  const retryAfter = outcome.retryAfterSeconds ?? rule.retryAfterSeconds;
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) };
  const error = outcome.error ?? outcome.reason;
  let response: NextResponse;
  if (kind === "form" && form && !rule.jsonOnly) {
    const query = new URLSearchParams({ error });
    for (const [field, codes] of Object.entries(outcome.fields ?? {})) {
      if (codes[0]) query.set(`f.${field}`, codes[0]);
    }
    if (form.next) query.set("next", safeNextPath(form.next));
    if (form.token && !rule.endsSession) query.set("token", form.token);
    if (form.method && !rule.endsSession && !rule.endsChallenge) query.set("method", form.method);
    // A form whose session or pending login just ended goes to the login page (whose error text says why).
    response = seeOther(`${rule.endsSession || rule.endsChallenge ? LOGIN_PATH : form.path}?${query}`);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  } else {
    const config = getEnv();
    const fields =
      outcome.fields &&
      Object.fromEntries(Object.entries(outcome.fields).map(([field, codes]) => [field, codes.map((c) => describe(c, config))]));
    response = NextResponse.json(
      { error: describe(error, config), ...(rule.code ? { code: outcome.reason } : {}), ...(fields ? { fields } : {}) },
      { status: rule.status, headers: { ...NO_STORE, ...headers } },
    );
  }
  if (rule.endsChallenge) clearChallengeCookie(response);
  return rule.endsSession ? withSession(response, "clear") : response;
}

/** A new session (signup, login, password change): `{user}` plus its cookie; a form goes to a safe `next`. */
export function signedIn(result: { user: PublicUser; newSession: NewSession }, next: string | undefined, status: 200 | 201 = 200): Success {
  return { ok: true, status, body: { user: result.user }, redirectTo: safeNextPath(next), session: result.newSession };
}

/**
 * A login that needs its second factor (SPEC §8): `{mfaRequired: true}` and the challenge cookie,
 * no session cookie; a form goes on to the code page, keeping a safe `next`.
 */
export function challengeIssued(challengeToken: string, next: string | undefined): Success {
  const query = next === undefined ? "" : `?${new URLSearchParams({ next: safeNextPath(next) })}`;
  return { ok: true, body: { mfaRequired: true }, redirectTo: `${MFA_VERIFY_PATH}${query}`, challenge: { token: challengeToken } };
}

/**
 * New recovery codes (SPEC §8): JSON callers get them in the body; a form goes to the page that
 * shows them, carried there once by a flash cookie sealed to `userId`. `newSession`: this device's
 * new session (the others were ended); null when this one was ended meanwhile, so it is cleared.
 */
export async function recoveryCodesIssued(userId: string, issued: { recoveryCodes: string[]; newSession: NewSession | null }): Promise<Success> {
  const flash = await sealRecoveryCodesFlash(userId, issued.recoveryCodes);
  return { ok: true, body: { recoveryCodes: issued.recoveryCodes }, redirectTo: RECOVERY_CODES_PATH, flash, session: issued.newSession ?? "clear" };
}

/** A success with a JSON body; `redirectTo` is where a form goes (a GET has none). */
export function ok(body: unknown, redirectTo?: string): Success {
  return { ok: true, body, ...(redirectTo !== undefined ? { redirectTo } : {}) };
}

/** A plain success: `{ok: true}` for JSON callers, `redirectTo` for a form. */
export function done(redirectTo: string, session?: Success["session"]): Success {
  return { ok: true, body: { ok: true }, redirectTo, ...(session ? { session } : {}) };
}

export function fail(reason: Reason): Failure {
  return { ok: false, reason };
}
