import type { NextRequest } from "next/server";
import { z } from "zod";
import { authenticate } from "@/lib/auth/current-user";
import { PublicIdSchema } from "@/lib/auth/schemas";
import { databaseProblem, describeDatabaseProblem } from "@/lib/db-errors";
import { getEnv } from "@/lib/env";
import { readBody, type BodyKind } from "@/lib/http/body";
import { requestOrigin } from "@/lib/http/origin";
import { respond, type FormTarget, type Outcome } from "@/lib/http/respond";
import { requestMeta, type RequestMeta } from "@/lib/request-meta";
import { readSessionCookie, type CurrentSession } from "@/lib/session";

type Access = "anyone" | "optional" | "user" | "admin";

export type RouteSpec<A extends Access, S extends z.ZodType | undefined, I extends string> = {
  /**
   * Who may call. A signed-in user or an admin are checked first: 401, 403, or 503 (fail closed).
   * "optional": anyone, with the caller's session when there is one (a link that works either way).
   */
  auth: A;
  /** The body's schema (or a function making it, for schemas that depend on configuration). None: no body is read. */
  body?: S | (() => S);
  /**
   * Where a no-JavaScript form goes back to on failure. `keepNext` carries the page's `?next=`
   * along; `keepToken` the body's `token` (a link's form stays usable after a refused password);
   * `keepMethod` the page's `?method=` when it is one of these (which of a page's forms it was).
   */
  form?: string | { path: string; keepNext?: true; keepToken?: true; keepMethod?: readonly [string, ...string[]] };
  /** Path segments holding a public id, each with the reason a malformed one answers. */
  ids?: Record<I, "user-not-found" | "session-not-found">;
};

export type RouteContext<A extends Access, S extends z.ZodType | undefined, I extends string> = {
  request: NextRequest;
  body: S extends z.ZodType ? z.output<S> : undefined;
  /** The caller's session: present whenever `auth` asks for one; maybe null with "optional". */
  current: A extends "anyone" ? undefined : A extends "optional" ? CurrentSession | null : CurrentSession;
  ids: Record<I, string>;
  meta: RequestMeta;
  /** The session cookie as sent, unvalidated: for ending it (logout) or replacing it (login). */
  sessionCookie: string | undefined;
  /** The page's `?next=` (forms with `keepNext`); checked by safeNextPath wherever it is used. */
  next: string | undefined;
  /** This app's origin for links in mail: APP_URL, else the origin the request addressed (SPEC §7). */
  origin: string;
};

type SegmentContext = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * Every route handler is one call of this: it reads and validates the body (415, 413, 400),
 * checks who is calling, and turns the handler's outcome into JSON or, for a form post, a 303
 * (SPEC §4). The handler only calls lib/ and returns an outcome; lib/http/outcomes.ts decides
 * every status.
 */
export function route<A extends Access, S extends z.ZodType | undefined = undefined, I extends string = never>(
  spec: RouteSpec<A, S, I>,
  handler: (context: RouteContext<A, S, I>) => Promise<Outcome>,
): (request: NextRequest, segments: SegmentContext) => Promise<Response> {
  const form = typeof spec.form === "string" ? { path: spec.form } : spec.form;
  return async (request, segments) => {
    const { trustProxy, appOrigin } = getEnv();
    // Links in mail are built on this origin: a Host that makes no http(s) origin is refused
    // before any work, so no route can fail half-way (or differently for known accounts) on it.
    const origin = appOrigin ?? httpOriginOf(requestOrigin(request, trustProxy));
    if (origin === null) return respond({ ok: false, reason: "bad-host" }, "json");

    let current: CurrentSession | null | undefined;
    if (spec.auth !== "anyone") {
      const auth = await authenticate(spec.auth === "admin" ? { role: "admin" } : {});
      if (auth.ok) current = auth.current;
      else if (spec.auth === "optional" && auth.reason === "unauthenticated") current = null;
      // Before the body is read, and as JSON: there is nothing a form could go back to.
      else return respond({ ok: false, reason: auth.reason }, "json");
    }

    let kind: BodyKind = "json";
    let body: unknown;
    const next = form && "keepNext" in form ? (request.nextUrl.searchParams.get("next") ?? undefined) : undefined;
    // Only a listed value goes back into the URL; anything else is dropped.
    const method = form && "keepMethod" in form && form.keepMethod ? z.enum(form.keepMethod).safeParse(request.nextUrl.searchParams.get("method")) : undefined;
    let target: FormTarget | undefined = form && {
      path: form.path,
      ...(next !== undefined ? { next } : {}),
      ...(method?.success ? { method: method.data } : {}),
    };
    if (spec.body) {
      const schema = (typeof spec.body === "function" ? spec.body() : spec.body) as z.ZodType;
      const read = await readBody(request, schema);
      kind = read.kind;
      if (target && form && "keepToken" in form) target = { ...target, ...tokenOf(read.ok ? read.data : read.raw) };
      if (!read.ok) return respond(read.failure, kind, target);
      body = read.data;
    }

    const ids = {} as Record<I, string>;
    if (spec.ids) {
      const params = await segments.params;
      for (const [name, reason] of Object.entries(spec.ids) as Array<[I, "user-not-found" | "session-not-found"]>) {
        const id = PublicIdSchema.safeParse(params[name]);
        if (!id.success) return respond({ ok: false, reason }, kind, target);
        ids[name] = id.data;
      }
    }

    let outcome: Outcome;
    try {
      outcome = await handler({
        request,
        body: body as RouteContext<A, S, I>["body"],
        current: current as RouteContext<A, S, I>["current"],
        ids,
        get meta() {
          return requestMeta(request.headers, trustProxy);
        },
        get sessionCookie() {
          return readSessionCookie(request.headers);
        },
        next,
        origin,
      });
    } catch (error) {
      // A database that is unmigrated or out of reach is the deployment's problem, not a bug:
      // a 503 that says so (and a form that goes back with it), one log line naming the fix,
      // never an empty 500 (issue 12). Anything else is a bug and stays a 500.
      const problem = databaseProblem(error);
      if (!problem) throw error;
      console.error(`${request.method} ${request.nextUrl.pathname}: answered 503: ${describeDatabaseProblem(problem)}`);
      return respond({ ok: false, reason: problem.kind === "schema-missing" ? "schema-missing" : "store-unavailable" }, kind, target);
    }
    return respond(outcome, kind, target);
  };
}

// Only a token of the shape links carry goes back into a URL; anything else is dropped.
function tokenOf(data: unknown): { token?: string } {
  const token = typeof data === "object" && data !== null && "token" in data ? data.token : undefined;
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token) ? { token } : {};
}

/** The normalised http(s) origin a Host header (and trusted forwarded headers) name, or null. */
function httpOriginOf(candidate: string): string | null {
  if (!URL.canParse(candidate)) return null;
  const url = new URL(candidate);
  const bare = url.username === "" && url.password === "" && url.pathname === "/" && url.search === "" && url.hash === "";
  return bare && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? url.origin : null;
}
