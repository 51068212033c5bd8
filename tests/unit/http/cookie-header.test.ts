import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";
import { describe, expect, it } from "vitest";
import { readCookie } from "@/lib/http/cookie-header";

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
