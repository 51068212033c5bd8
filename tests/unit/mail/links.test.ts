import { describe, expect, it } from "vitest";
import { extractLinks, mailLink, splitLinks } from "@/lib/mail/links";

describe("mailLink", () => {
  it("builds an absolute URL on the origin with encoded params", () => {
    expect(mailLink("https://app.example.com", "/verify-email", { token: "a+b/c=d&e f" })).toBe(
      "https://app.example.com/verify-email?token=a%2Bb%2Fc%3Dd%26e+f",
    );
  });

  it("uses only the origin of what it is given", () => {
    expect(mailLink("http://127.0.0.1:3000/some/page?q=1", "/reset-password", { token: "t" })).toBe("http://127.0.0.1:3000/reset-password?token=t");
  });

  it.each([
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/x",
    "evil.example",
    "",
    "/x?token=1",
    "/x#frag",
    "/x y",
    "/x\n",
    "javascript:alert(1)",
  ])("refuses the path %j", (path) => {
    expect(() => mailLink("https://app.example.com", path, {})).toThrow(TypeError);
  });

  it.each(["not a url", "ftp://example.com", "javascript:alert(1)"])("refuses the origin %j", (origin) => {
    expect(() => mailLink(origin, "/x", {})).toThrow(TypeError);
  });
});

describe("splitLinks / extractLinks", () => {
  it("cuts text into runs and links, leaving sentence punctuation outside", () => {
    expect(splitLinks("Open https://a.test/x?t=1. Or http://b.test\nbye")).toEqual([
      { kind: "text", value: "Open " },
      { kind: "link", value: "https://a.test/x?t=1" },
      { kind: "text", value: ". Or " },
      { kind: "link", value: "http://b.test" },
      { kind: "text", value: "\nbye" },
    ]);
  });

  it("ignores non-http schemes and lists each link once", () => {
    expect(extractLinks("javascript:alert(1) mailto:a@b.c https://a.test/ https://a.test/")).toEqual(["https://a.test/"]);
  });
});
