import { dictionary } from "@zxcvbn-ts/language-common";

// NIST SP 800-63B §3.1.1.2: refuse passwords found in lists of commonly used or breached ones.
// The list ships with @zxcvbn-ts/language-common (MIT, maintained): ~49,000 passwords ranked by
// frequency in real breaches. Server-only: it is ~380 KB and never goes to the browser.

let common: Set<string> | undefined;

/** Case-insensitive, on the NFKC-normalised password the schemas produce. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary["passwords-common"].map((entry) => entry.toLowerCase()));
  return common.has(password.toLowerCase());
}
