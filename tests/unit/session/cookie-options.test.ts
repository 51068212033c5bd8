import { describe, expect, it } from "vitest";
import { expiredSessionCookie, sessionCookie, setSessionCookie } from "@/lib/session/cookie-options";

describe("session cookie options (SPEC §2)", () => {
  it("in production: __Host-session, Secure, HttpOnly, SameSite=Lax, Path=/", () => {
    expect(sessionCookie(true, "v", 60)).toEqual({
      name: "__Host-session",
      value: "v",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: true,
      maxAge: 60,
    });
  });

  it("in development: a plain name and no Secure, so http://localhost works", () => {
    expect(sessionCookie(false, "v", 60)).toMatchObject({ name: "session", secure: false, httpOnly: true, sameSite: "lax", path: "/" });
  });

  it("clearing sends an empty value that expires at once", () => {
    expect(expiredSessionCookie(true)).toMatchObject({ name: "__Host-session", value: "", maxAge: 0 });
  });

  it("puts name, value and every option on the response's cookie jar", () => {
    const calls: unknown[][] = [];
    setSessionCookie({ cookies: { set: (...args: unknown[]) => calls.push(args) } }, sessionCookie(true, "v", 60));
    expect(calls).toEqual([["__Host-session", "v", { httpOnly: true, sameSite: "lax", path: "/", secure: true, maxAge: 60 }]]);
  });
});
