import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";
import { isSameOriginPath, REDIRECT_PAYLOADS } from "@/tests/support/redirect-payloads";

describe("safeNextPath", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/settings/sessions?tab=all#top", "/settings/sessions?tab=all#top"],
    ["/a/../dashboard", "/dashboard"],
  ])("keeps same-origin path %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    "https://evil.example/",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "dashboard",
    "",
    " /dashboard",
    "/%0a/evil",
  ])("falls back for %j", (input) => {
    const result = safeNextPath(input);
    expect(result.startsWith("/")).toBe(true);
    expect(result.startsWith("//")).toBe(false);
    expect(new URL(result, "https://app.example").origin).toBe("https://app.example");
  });

  it.each(REDIRECT_PAYLOADS.map((payload) => [payload]))("keeps %j on this origin, after normalisation", (payload) => {
    const result = safeNextPath(payload);
    expect(isSameOriginPath(result), result).toBe(true);
    // What a browser makes of the Location is what we checked: resolving it again changes nothing.
    const resolved = new URL(result, "https://app.example");
    expect(`${resolved.pathname}${resolved.search}${resolved.hash}`).toBe(result);
  });

  it.each([
    ["/.//evil.example", "/dashboard"],
    ["/%2e//evil.example", "/dashboard"],
    ["/a/..//evil.example", "/dashboard"],
    ["/./evil.example", "/evil.example"],
    ["/\uff0fevil.example", "/%EF%BC%8Fevil.example"],
  ])("normalises %j to %j", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it("returns the fallback for non-strings and unsafe values", () => {
    expect(safeNextPath(undefined)).toBe("/dashboard");
    expect(safeNextPath(["/a"])).toBe("/dashboard");
    expect(safeNextPath("//evil.example", "/home")).toBe("/home");
  });
});
