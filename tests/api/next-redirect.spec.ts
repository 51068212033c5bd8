import { randomUUID } from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { expect, query, test, uniqueEmail } from "../fixtures";
import { isSameOriginPath, REDIRECT_PAYLOADS } from "../support/redirect-payloads";

// SPEC §4: `next` only ever redirects to a path on this origin, whichever way it arrives. Each test
// sends the whole corpus and lists every payload that got out, so one run shows all of them.

const FORM = { "content-type": "application/x-www-form-urlencoded" };

test.describe.configure({ timeout: 300_000 });

const withNext = (path: string, next: string) => `${path}?${new URLSearchParams({ next })}`;

/** The Location of a 303, or a description of what came instead; null when it stays on `baseURL`. */
function offSite(response: APIResponse, baseURL: string): string | null {
  const location = response.headers().location;
  if (response.status() !== 303) return `status ${response.status()}`;
  return isSameOriginPath(location, baseURL) ? null : `Location ${JSON.stringify(location)}`;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
const decodeHtml = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name]!);

/** Every `next` a form page hands on: the hidden field, the form's action, the link to the other form. */
function renderedNexts(html: string): Record<string, string | undefined> {
  const attribute = (tag: RegExp, name: string) => {
    const element = html.match(tag)?.[0];
    const value = element?.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
    return value === undefined ? undefined : decodeHtml(value);
  };
  const nextOf = (url: string | undefined) => (url === undefined ? undefined : (new URL(url, "http://x").searchParams.get("next") ?? undefined));
  return {
    field: attribute(/<input(?=[^>]*\bname="next")[^>]*>/, "value"),
    action: nextOf(attribute(/<form\b[^>]*>/, "action")),
    link: nextOf(attribute(/<a\b(?=[^>]*\bhref="\/(?:login|signup)\?)[^>]*>/, "href")),
  };
}

async function pageNexts(visitor: APIRequestContext, path: string, baseURL: string, payload: string): Promise<string[]> {
  const response = await visitor.get(withNext(path, payload), { maxRedirects: 0 });
  if (response.status() !== 200) return [`${path}: status ${response.status()}`];
  return Object.entries(renderedNexts(await response.text()))
    .filter(([, value]) => !isSameOriginPath(value, baseURL))
    .map(([where, value]) => `${path} ${where}: ${JSON.stringify(value)}`);
}

test.describe("next never leaves the origin", () => {
  test("form login: the 303 goes to a path on this origin, next in the query or in the form", async ({ request, baseURL, user }) => {
    const escaped: string[] = [];
    for (const payload of REDIRECT_PAYLOADS) {
      const credentials = { email: user.email, password: user.password };
      const inQuery = await request.post(withNext("/api/auth/login", payload), {
        headers: FORM,
        data: new URLSearchParams(credentials).toString(),
        maxRedirects: 0,
      });
      const inField = await request.post("/api/auth/login", {
        headers: FORM,
        data: new URLSearchParams({ ...credentials, next: payload }).toString(),
        maxRedirects: 0,
      });
      for (const [how, response] of [["query", inQuery], ["field", inField]] as const) {
        const problem = offSite(response, baseURL!);
        if (problem) escaped.push(`${JSON.stringify(payload)} (${how}) -> ${problem}`);
      }
    }
    expect(escaped).toEqual([]);
  });

  test("JSON login: 200 with the user only, and no Location", async ({ request, user }) => {
    const answered: string[] = [];
    for (const payload of REDIRECT_PAYLOADS) {
      const response = await request.post(withNext("/api/auth/login", payload), {
        data: { email: user.email, password: user.password, next: payload },
        maxRedirects: 0,
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status() !== 200 || response.headers().location !== undefined || Object.keys(body).join() !== "user") {
        answered.push(`${JSON.stringify(payload)} -> ${response.status()} ${response.headers().location ?? ""}`);
      }
    }
    expect(answered).toEqual([]);
  });

  test("form signup: the 303 goes to a path on this origin, next in the query or in the form", async ({ request, baseURL }) => {
    const escaped: string[] = [];
    const emails: string[] = [];
    try {
      for (const payload of REDIRECT_PAYLOADS) {
        const account = () => {
          emails.push(uniqueEmail("next"));
          return { email: emails.at(-1)!, password: `pw-${randomUUID()}` };
        };
        const inQuery = await request.post(withNext("/api/auth/signup", payload), {
          headers: FORM,
          data: new URLSearchParams(account()).toString(),
          maxRedirects: 0,
        });
        const inField = await request.post("/api/auth/signup", {
          headers: FORM,
          data: new URLSearchParams({ ...account(), next: payload }).toString(),
          maxRedirects: 0,
        });
        for (const [how, response] of [["query", inQuery], ["field", inField]] as const) {
          const problem = offSite(response, baseURL!);
          if (problem) escaped.push(`${JSON.stringify(payload)} (${how}) -> ${problem}`);
        }
      }
    } finally {
      await query('DELETE FROM "User" WHERE email = ANY($1)', [emails]);
    }
    expect(escaped).toEqual([]);
  });

  test("JSON signup: 201 with the user only, and no Location", async ({ request }) => {
    const answered: string[] = [];
    const emails: string[] = [];
    try {
      for (const payload of REDIRECT_PAYLOADS) {
        emails.push(uniqueEmail("next"));
        const response = await request.post(withNext("/api/auth/signup", payload), {
          data: { email: emails.at(-1), password: `pw-${randomUUID()}`, next: payload },
          maxRedirects: 0,
        });
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status() !== 201 || response.headers().location !== undefined || Object.keys(body).join() !== "user") {
          answered.push(`${JSON.stringify(payload)} -> ${response.status()} ${response.headers().location ?? ""}`);
        }
      }
    } finally {
      await query('DELETE FROM "User" WHERE email = ANY($1)', [emails]);
    }
    expect(answered).toEqual([]);
  });

  test("a failed form login goes back to /login with a safe next, and that page renders a safe one", async ({ playwright, request, baseURL }) => {
    const visitor = await playwright.request.newContext({ baseURL });
    const escaped: string[] = [];
    try {
      for (const payload of REDIRECT_PAYLOADS) {
        // An unknown email per payload: a failure without touching any account's limit.
        const response = await request.post(withNext("/api/auth/login", payload), {
          headers: FORM,
          data: new URLSearchParams({ email: uniqueEmail("nobody"), password: "not the password" }).toString(),
          maxRedirects: 0,
        });
        const problem = offSite(response, baseURL!);
        if (problem) {
          escaped.push(`${JSON.stringify(payload)} -> ${problem}`);
          continue;
        }
        const back = new URL(response.headers().location!, baseURL);
        expect(back.pathname).toBe("/login");
        const carried = back.searchParams.get("next");
        if (!isSameOriginPath(carried ?? undefined, baseURL)) escaped.push(`${JSON.stringify(payload)} -> next=${JSON.stringify(carried)}`);
        const rendered = await pageNexts(visitor, "/login", baseURL!, carried ?? "");
        escaped.push(...rendered.map((found) => `${JSON.stringify(payload)} -> ${found}`));
      }
    } finally {
      await visitor.dispose();
    }
    expect(escaped).toEqual([]);
  });

  test("the login and signup pages render only a safe next (hidden field, form action, link)", async ({ playwright, baseURL }) => {
    const visitor = await playwright.request.newContext({ baseURL });
    const escaped: string[] = [];
    try {
      for (const payload of REDIRECT_PAYLOADS) {
        for (const path of ["/login", "/signup"]) {
          const rendered = await pageNexts(visitor, path, baseURL!, payload);
          escaped.push(...rendered.map((found) => `${JSON.stringify(payload)} -> ${found}`));
        }
      }
    } finally {
      await visitor.dispose();
    }
    expect(escaped).toEqual([]);
  });
});
