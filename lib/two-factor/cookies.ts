import { hkdfSync, createHash } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { RECOVERY_CODES_PATH } from "@/lib/routes";

/**
 * The one owner of the two cookies of two-factor authentication (SPEC §8): names, flags and
 * contents are decided here and nowhere else.
 *
 * - The pending-challenge cookie holds a random token naming a login that still needs its second
 *   factor. It is never a session: proxy.ts and the data-access function read only the session
 *   cookie, and nothing but POST /api/auth/mfa/verify reads this one.
 * - The recovery-codes flash shows a no-JavaScript browser its new codes once, on one page.
 */

/** Anything with Next's response cookie jar (NextResponse). */
type CookieJarOwner = { cookies: { set: (name: string, value: string, options: object) => unknown } };
/** Next's request cookie jars (request.cookies, cookies() from next/headers). */
type CookieReader = { get: (name: string) => { value: string } | undefined };

// __Host-: only over HTTPS, Path=/, no Domain, so no subdomain can plant a challenge (RFC 6265bis).
const CHALLENGE_NAMES = { production: "__Host-mfa", development: "mfa" } as const;
/** SPEC §8: the challenge lives 10 minutes; its cookie no longer. */
export const CHALLENGE_COOKIE_MAX_AGE = 600;

export function challengeCookieName(isProduction = getEnv().isProduction): string {
  return isProduction ? CHALLENGE_NAMES.production : CHALLENGE_NAMES.development;
}

function challengeAttributes() {
  const { isProduction } = getEnv();
  // Lax like the session cookie: the login form's own 303 to /login/verify must carry it.
  return { httpOnly: true, sameSite: "lax", path: "/", secure: isProduction } as const;
}

export function readChallengeCookie(cookies: CookieReader): string | undefined {
  return cookies.get(challengeCookieName())?.value || undefined;
}

export function setChallengeCookie(response: CookieJarOwner, token: string): void {
  response.cookies.set(challengeCookieName(), token, { ...challengeAttributes(), maxAge: CHALLENGE_COOKIE_MAX_AGE });
}

export function clearChallengeCookie(response: CookieJarOwner): void {
  response.cookies.set(challengeCookieName(), "", { ...challengeAttributes(), maxAge: 0 });
}

// ——— Recovery-codes flash ———

// __Secure- (not __Host-): the cookie needs its narrow Path, which __Host- forbids.
const FLASH_NAMES = { production: "__Secure-mfa-codes", development: "mfa-codes" } as const;
/** Five minutes to land on the page; it is cleared there on the first visit (proxy.ts). */
export const FLASH_MAX_AGE = 300;

export function flashCookieName(isProduction = getEnv().isProduction): string {
  return isProduction ? FLASH_NAMES.production : FLASH_NAMES.development;
}

function flashAttributes() {
  const { isProduction } = getEnv();
  // Strict: the codes are only ever shown to a page this app navigated to itself.
  return { httpOnly: true, sameSite: "strict", path: RECOVERY_CODES_PATH, secure: isProduction } as const;
}

// Its own iron password per SESSION_SECRET (HKDF), so a flash can never be read as a session
// seal or the other way round; ids from the derived password, as in lib/session.
function flashPasswords(): Record<string, string> {
  return Object.fromEntries(
    getEnv().sessionSecrets.map((secret) => {
      const password = Buffer.from(hkdfSync("sha256", secret, "cloakroom", "cloakroom/two-factor/codes-flash/v1", 32)).toString("hex");
      const id = createHash("sha256").update(password).digest().readUInt32BE(0) % 1_000_000_000;
      return [String(id), password];
    }),
  );
}

const FlashSchema = z.object({ userId: z.string(), codes: z.array(z.string()).max(20) });

/** The sealed value of a flash: the codes and whose they are, unreadable and unforgeable. */
export async function sealRecoveryCodesFlash(userId: string, codes: readonly string[]): Promise<string> {
  const passwords = flashPasswords();
  const newest = Object.entries(passwords)[0]!;
  return sealData({ userId, codes }, { password: { [newest[0]]: newest[1] }, ttl: FLASH_MAX_AGE });
}

/** The codes of a flash sealed for `userId` in the last five minutes; null otherwise. */
export async function unsealRecoveryCodesFlash(value: string | undefined, userId: string): Promise<string[] | null> {
  if (!value) return null;
  try {
    const parsed = FlashSchema.safeParse(await unsealData<unknown>(value, { password: flashPasswords(), ttl: FLASH_MAX_AGE }));
    return parsed.success && parsed.data.userId === userId ? parsed.data.codes : null;
  } catch {
    return null;
  }
}

export function readFlashCookie(cookies: CookieReader): string | undefined {
  return cookies.get(flashCookieName())?.value || undefined;
}

export function setFlashCookie(response: CookieJarOwner, sealed: string): void {
  response.cookies.set(flashCookieName(), sealed, { ...flashAttributes(), maxAge: FLASH_MAX_AGE });
}

/**
 * The flash's sealed value on the request proxy.ts forwards to the codes page (inbound copies are
 * stripped). The page cannot read the cookie itself: Next hands a page the cookies as the proxy
 * left them, and the proxy clears this one on that very request.
 */
export const RECOVERY_CODES_FLASH_HEADER = "x-recovery-codes-flash";

/** Drops the flash (same name and path), so the page gets it exactly once. */
export function clearFlashCookie(response: CookieJarOwner): void {
  response.cookies.set(flashCookieName(), "", { ...flashAttributes(), maxAge: 0 });
}
