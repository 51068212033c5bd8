/**
 * Who is asking, as far as the request says: recorded with sessions and audit events, and the
 * client-IP key of rate limits. Nothing here is trusted for access decisions.
 */
export type RequestMeta = { userAgent: string | null; ip: string | null };

const firstValue = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

/**
 * The client's IP, from the platform only: `x-forwarded-for` is client-controlled unless a proxy
 * we trust (TRUST_PROXY, or Vercel) overwrites it, so without that we do not guess.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string | null {
  if (!trustProxy) return null;
  return firstValue(headers.get("x-forwarded-for"))?.slice(0, 64) ?? null;
}

export function requestMeta(headers: Headers, trustProxy: boolean): RequestMeta {
  return { userAgent: headers.get("user-agent"), ip: clientIp(headers, trustProxy) };
}
