import { randomUUID } from "node:crypto";
import {
  test as base,
  expect as baseExpect,
  request as playwrightRequest,
  type APIRequestContext,
  type APIResponse,
  type Page,
} from "@playwright/test";
import pg from "pg";
import { SESSION_COOKIE_NAMES } from "@/lib/session/cookie";
import { readTestEnv } from "./support/test-env";

// The suite runs against `next start`, so cookies carry their production name and flags.
export const COOKIE = SESSION_COOKIE_NAMES.production;

export type TestUser = { id: string; email: string; password: string; name: string };

export function uniqueEmail(tag = "user"): string {
  return `${tag}-${randomUUID()}@example.test`;
}

/** Every Set-Cookie of a response, parsed into name, value and lower-cased attributes. */
export function setCookies(response: APIResponse) {
  return response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => {
      const [pair = "", ...parts] = h.value.split(";").map((p) => p.trim());
      const eq = pair.indexOf("=");
      const attributes = Object.fromEntries(
        parts.map((p) => {
          const i = p.indexOf("=");
          return i === -1 ? [p.toLowerCase(), true] : [p.slice(0, i).toLowerCase(), p.slice(i + 1)];
        }),
      ) as Record<string, string | true>;
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
    });
}

export function sessionCookieOf(response: APIResponse) {
  return setCookies(response).find((c) => c.name === COOKIE);
}

/** What is wrong with the session cookie a response sets, by SPEC §2's flags; empty when nothing. */
function sessionCookieProblems(response: APIResponse): { cookie: ReturnType<typeof sessionCookieOf>; problems: string[] } {
  const cookie = sessionCookieOf(response);
  const a = cookie?.attributes ?? {};
  const problems = [
    !cookie && `no ${COOKIE} cookie`,
    // An opaque token (database strategy), an iron seal (cookie strategy), or the user's hash tag
    // and an opaque token (redis strategy).
    cookie && !/^((?:[0-9a-f]{16}\.)?[A-Za-z0-9_-]{43}|Fe26\.2\*[A-Za-z0-9_*~-]+)$/.test(cookie.value) && "empty or malformed value",
    a.httponly !== true && "HttpOnly missing",
    a.secure !== true && "Secure missing",
    String(a.samesite).toLowerCase() !== "lax" && "SameSite is not Lax",
    a.path !== "/" && "Path is not /",
    "domain" in a && "Domain set (forbidden for __Host-)",
  ].filter((problem): problem is string => typeof problem === "string");
  return { cookie, problems };
}

export const expect = baseExpect.extend({
  /** The response sets a live session cookie with every flag SPEC §2 asks for. */
  toSetSessionCookie(response: APIResponse) {
    const { cookie, problems } = sessionCookieProblems(response);
    if (!(Number(cookie?.attributes["max-age"]) > 0)) problems.push("no positive Max-Age");
    return {
      pass: problems.length === 0,
      name: "toSetSessionCookie",
      message: () => (this.isNot ? "expected no session cookie" : `session cookie not set correctly: ${problems.join(", ")}`),
    };
  },
  /**
   * The response sets a live session cookie with every flag SPEC §2 asks for, as a browser-session
   * cookie ("remember me" unticked): neither Max-Age nor Expires, so the browser drops it when it ends its session.
   */
  toSetBrowserSessionCookie(response: APIResponse) {
    const { cookie, problems } = sessionCookieProblems(response);
    if (cookie && "max-age" in cookie.attributes) problems.push(`Max-Age=${String(cookie.attributes["max-age"])}`);
    if (cookie && "expires" in cookie.attributes) problems.push(`Expires=${String(cookie.attributes.expires)}`);
    return {
      pass: problems.length === 0,
      name: "toSetBrowserSessionCookie",
      message: () =>
        this.isNot ? "expected no browser-session cookie" : `browser-session cookie not set correctly: ${problems.join(", ")}`,
    };
  },
  /** The response clears the session cookie. */
  toClearSessionCookie(response: APIResponse) {
    const cookie = sessionCookieOf(response);
    const pass = !!cookie && cookie.value === "" && cookie.attributes["max-age"] === "0";
    return { pass, name: "toClearSessionCookie", message: () => `expected ${COOKIE} to be cleared` };
  },
});

/**
 * Direct database access, for the checks no HTTP response can show (what a row holds): the run's
 * database, or another a test made for itself.
 */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = [], databaseUrl = readTestEnv("databaseUrl")): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Creates a user through the public API, in a context of its own, so no cookie leaks into the test. */
export async function createUser(baseURL: string, overrides: Partial<Omit<TestUser, "id">> = {}): Promise<TestUser> {
  const context = await playwrightRequest.newContext({ baseURL });
  try {
    const data = { email: uniqueEmail(), password: `pw-${randomUUID()}`, name: "Test User", ...overrides };
    const response = await context.post("/api/auth/signup", { data });
    baseExpect(response.status(), await response.text()).toBe(201);
    const { user } = (await response.json()) as { user: { id: string } };
    return { ...data, id: user.id };
  } finally {
    await context.dispose();
  }
}

/**
 * Signs a user in through the API (STYLE §4): the same POST /api/auth/login under both strategies,
 * where a session row written directly would not do for sealed cookies. Fails the test unless the
 * login succeeds and sets a session cookie; returns that cookie's value.
 *
 * Given a request context (`page.request`, the `request` fixture, a second device's context), that
 * context's cookie jar keeps the session. Given a base URL, a context of its own signs in and is
 * thrown away: only the returned value holds the session, for requests that carry it by hand
 * (support/plain-http.ts). Tests of the login itself post to /api/auth/login directly.
 */
export async function signIn(
  target: APIRequestContext | string,
  user: Pick<TestUser, "email" | "password">,
  options: { headers?: Record<string, string> } = {},
): Promise<string> {
  if (typeof target === "string") {
    const context = await playwrightRequest.newContext({ baseURL: target });
    try {
      return await signIn(context, user, options);
    } finally {
      await context.dispose();
    }
  }
  const response = await target.post("/api/auth/login", { data: { email: user.email, password: user.password }, headers: options.headers });
  baseExpect(response.status(), await response.text()).toBe(200);
  const cookie = sessionCookieOf(response);
  baseExpect(cookie?.value, `the login set no ${COOKIE} cookie`).toBeTruthy();
  return cookie!.value;
}

type Fixtures = { user: TestUser; signedInPage: Page };

export const test = base.extend<Fixtures>({
  // Every browser test doubles as a CSP check: any script or style the policy blocks fails it.
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|Refused to (load|execute|apply)/i.test(message.text())) {
        violations.push(message.text());
      }
    });
    await use(page);
    baseExpect(violations, "Content-Security-Policy violations").toEqual([]);
  },
  user: async ({ baseURL }, use) => {
    const user = await createUser(baseURL!);
    await use(user);
    await query('DELETE FROM "User" WHERE id = $1', [user.id]);
  },
  // Signs in through the API with the page's own request context, which shares its cookies.
  signedInPage: async ({ page, user }, use) => {
    await signIn(page.request, user);
    await use(page);
  },
});
