/**
 * One cookie's value from a Cookie header, parsed the way Next parses it for proxy.ts
 * (`request.cookies`): pairs split at "; ", the last of duplicate names wins, a value that fails
 * to URI-decode is skipped, a bare name reads as "true". The data-access function reads the
 * session cookie with it because Next's cookies() builds mutable request and response cookie
 * jars on every call (~20 µs) for what is one lookup.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const pair of header.split(/; */)) {
    const eq = pair.indexOf("=");
    // A bare name reads as "true" to Next (and is no valid session to either store).
    if (eq === -1) {
      if (pair === name) found = "true";
      continue;
    }
    if (pair.slice(0, eq) !== name) continue;
    try {
      found = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      // Next drops a pair it cannot decode; so do we.
    }
  }
  return found;
}
