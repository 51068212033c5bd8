// Links in mail are absolute and always point at this app (SPEC §7): the origin is APP_URL's or
// the request's own (lib/http/origin decides which), and the path is one of ours.

// Only a plain absolute path: no scheme, no "//host", no backslash (WHATWG URL parsing reads
// "/\evil.example" as "//evil.example"), no query or fragment (those go in `params`), no
// whitespace or control characters.
const LOCAL_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/** An absolute URL on `origin` for `path`, with `params` as its (encoded) query. Throws on a non-local path. */
export function mailLink(origin: string, path: string, params: Record<string, string>): string {
  let base: URL;
  try {
    base = new URL(origin);
  } catch {
    throw new TypeError("mailLink: origin must be an absolute http(s) URL.");
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new TypeError("mailLink: origin must be http(s).");
  if (!LOCAL_PATH.test(path)) throw new TypeError('mailLink: path must be a local path starting with one "/".');
  const url = new URL(path, base.origin);
  if (url.origin !== base.origin) throw new TypeError("mailLink: path must stay on the app's origin.");
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

const HTTP_LINK = /https?:\/\/[^\s<>"'()]+/g;
// Sentence punctuation right after a link belongs to the sentence.
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

export type TextPart = { kind: "text" | "link"; value: string };

/** A text body cut into plain runs and http(s) links, in order (the outbox page links them). */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(HTTP_LINK)) {
    const link = match[0].replace(TRAILING_PUNCTUATION, "");
    if (match.index > last) parts.push({ kind: "text", value: text.slice(last, match.index) });
    parts.push({ kind: "link", value: link });
    last = match.index + link.length;
  }
  if (last < text.length) parts.push({ kind: "text", value: text.slice(last) });
  return parts;
}

/** Every http(s) link in a text body, in order, each once (the outbox and the test mailbox list them). */
export function extractLinks(text: string): string[] {
  return [...new Set(splitLinks(text).filter((part) => part.kind === "link").map((part) => part.value))];
}
