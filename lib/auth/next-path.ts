import { HOME_PATH } from "@/lib/routes";

const BASE = "http://next-path.invalid";

/** A path-absolute reference a browser resolves on this origin: one `/`, then neither `/` nor `\`. */
function isLocalPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") && !/[\\\u0000-\u001f\u007f]/.test(path);
}

/**
 * The `next` parameter only ever leads to a path on this origin (SPEC §4): no scheme, no host,
 * no protocol-relative `//evil.example`, no backslash tricks browsers fold into `//`. Every use of
 * `next` (form pages, the client form, form redirects) goes through here.
 */
export function safeNextPath(value: unknown, fallback = HOME_PATH): string {
  if (typeof value !== "string" || !isLocalPath(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Checked again after parsing: removing `/./` or `/%2e/` can turn `/.//evil.example` into `//evil.example` (ASVS 5.1.5).
  return url.origin === BASE && isLocalPath(path) ? path : fallback;
}
