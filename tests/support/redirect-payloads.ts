/**
 * `next` values an attacker would try (SPEC §4: `next` only ever leads to a path on this origin).
 * Shared by the unit test of lib/auth/next-path.ts and the API test that sends each one through
 * login, signup and the form pages.
 */
export const REDIRECT_PAYLOADS: readonly string[] = [
  // Dot segments: the URL parser removes them, and what is left may start with `//`.
  "/.//evil.example",
  "/./evil.example",
  "/../evil.example",
  "/..//evil.example",
  "/.///evil.example",
  "/././/evil.example",
  "/a/..//evil.example",
  "/a/b/../..//evil.example",
  "/.//evil.example/%2e%2e",
  // Encoded dots, which the parser treats as dot segments too.
  "/%2e//evil.example",
  "/%2E//evil.example",
  "/%2e%2e//evil.example",
  "/.%2e//evil.example",
  "/a/%2e%2e//evil.example",
  "/%2e/%2fevil.example",
  // Encoded slashes and backslashes.
  "/%2f/evil.example",
  "/%2F%2Fevil.example",
  "%2f%2fevil.example",
  "/%5cevil.example",
  "/%5C%5Cevil.example",
  "/.%2f/evil.example",
  "/%2e%2f%2fevil.example",
  // Backslashes, which browsers fold into `/` in http(s) URLs.
  "/\\evil.example",
  "\\/evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/./\\evil.example",
  "/.\\/evil.example",
  "/..\\\\evil.example",
  // Tabs, newlines, carriage returns and other controls, which the parser drops.
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "/\r\n/evil.example",
  "/.\t//evil.example",
  "/./\t/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  "/%09/evil.example",
  "/%0d%0aLocation:%20https://evil.example",
  // Userinfo.
  "/@evil.example",
  "//user@evil.example",
  "/.//user:pass@evil.example",
  "@evil.example",
  // Schemes and protocol-relative URLs.
  "//evil.example",
  "///evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "/javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "http://evil.example",
  "https://evil.example/path",
  "https:evil.example",
  "http:/evil.example",
  "http:\\\\evil.example",
  // Unicode look-alikes of `/` and `\` (fullwidth solidus, division slash, fraction slash, …).
  "/\uff0fevil.example",
  "\uff0f\uff0fevil.example",
  "/.\uff0f/evil.example",
  "/\u2215evil.example",
  "\u2215\u2215evil.example",
  "/\u2044evil.example",
  "/\uff3cevil.example",
  "/\u29f5evil.example",
  "/\u3002/evil.example",
];

/**
 * A Location (or `location.assign` argument) that stays on `base`'s origin: a path starting with
 * one `/`, not `//` or `/\` (both protocol-relative to a browser), no control characters.
 */
export function isSameOriginPath(location: string | undefined, base = "https://app.example"): boolean {
  if (location === undefined || !location.startsWith("/") || location.startsWith("//") || location.startsWith("/\\")) {
    return false;
  }
  if (/[\u0000-\u001f\u007f]/.test(location)) return false;
  return new URL(location, base).origin === new URL(base).origin;
}
