import { RequestCookies, ResponseCookies } from "next/dist/compiled/@edge-runtime/cookies";
import { describe, expect, it } from "vitest";
import { createSessionCookieJar, readCookie, SESSION_COOKIE_NAMES } from "@/lib/session/cookie";

// The data-access function must read the same session cookie the proxy validated.
const nextReads = (header: string, name: string) => new RequestCookies(new Headers({ cookie: header })).get(name)?.value;

describe("readCookie", () => {
  it.each([
    ["__Host-session=abc", "abc"],
    ["a=1; __Host-session=abc; b=2", "abc"],
    ["a=1;__Host-session=abc", "abc"],
    ["__Host-session=first; __Host-session=second", "second"],
    ["__Host-session=Fe26.2*1*abc~2*x*y", "Fe26.2*1*abc~2*x*y"],
    ["__Host-session=a%20b", "a b"],
    ["__Host-session=%E0%A4%A; other=1", undefined],
    ["__Host-session", "true"],
    ["x__Host-session=abc", undefined],
    ["", undefined],
  ])("%j → %j, as Next reads it", (header, expected) => {
    expect(readCookie(header, "__Host-session")).toBe(expected);
    expect(readCookie(header, "__Host-session")).toBe(nextReads(header, "__Host-session"));
  });

  it("reads nothing from no header", () => {
    expect(readCookie(null, "session")).toBeUndefined();
  });
});

describe("session cookie jar (SPEC §2)", () => {
  function recorder() {
    const calls: unknown[][] = [];
    return { calls, response: { cookies: { set: (...args: unknown[]) => calls.push(args) } } };
  }

  it("in production: __Host-session, Secure, HttpOnly, SameSite=Lax, Path=/, Max-Age of the session", () => {
    const { calls, response } = recorder();
    createSessionCookieJar(true).set(response, { cookieValue: "v", maxAgeSeconds: 60, persistent: true });
    expect(calls).toEqual([["__Host-session", "v", { httpOnly: true, sameSite: "lax", path: "/", secure: true, maxAge: 60 }]]);
  });

  it("in development: a plain name and no Secure, so http://localhost works", () => {
    const { calls, response } = recorder();
    createSessionCookieJar(false).set(response, { cookieValue: "v", maxAgeSeconds: 60, persistent: true });
    expect(calls).toEqual([["session", "v", { httpOnly: true, sameSite: "lax", path: "/", secure: false, maxAge: 60 }]]);
  });

  // Issue 12 item 9: "remember me" off. The server's idle and absolute limits are unchanged; only
  // the browser's copy is dropped when the browser ends its session.
  it("not persistent: the same flags and no Max-Age, so a browser-session cookie", () => {
    const { calls, response } = recorder();
    createSessionCookieJar(true).set(response, { cookieValue: "v", maxAgeSeconds: 60, persistent: false });
    expect(calls).toEqual([["__Host-session", "v", { httpOnly: true, sameSite: "lax", path: "/", secure: true }]]);
  });

  it.each([
    [true, true],
    [false, false],
  ])("persistent %j: Next's Set-Cookie carries Max-Age and Expires: %j", (persistent, lasting) => {
    const headers = new Headers();
    createSessionCookieJar(false).set({ cookies: new ResponseCookies(headers) }, { cookieValue: "v", maxAgeSeconds: 60, persistent });
    const header = headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^session=v; Path=\/; .*HttpOnly; SameSite=lax/);
    expect(/; Max-Age=60(;|$)/.test(header)).toBe(lasting);
    expect(/; Expires=/.test(header)).toBe(lasting);
  });

  it("clearing sends an empty value that expires at once, with the same flags", () => {
    const { calls, response } = recorder();
    createSessionCookieJar(true).clear(response);
    expect(calls).toEqual([["__Host-session", "", { httpOnly: true, sameSite: "lax", path: "/", secure: true, maxAge: 0 }]]);
  });

  it("reads its own cookie, by its own name, from a Cookie header", () => {
    const headers = new Headers({ cookie: "session=dev; __Host-session=prod" });
    expect(createSessionCookieJar(true).read(headers)).toBe("prod");
    expect(createSessionCookieJar(false).read(headers)).toBe("dev");
    expect(createSessionCookieJar(true).name).toBe(SESSION_COOKIE_NAMES.production);
  });
});
