import "server-only";
import { cookies, headers } from "next/headers";
import { getDb } from "@/lib/db";
import { readChallengeCookie, RECOVERY_CODES_FLASH_HEADER, unsealRecoveryCodesFlash } from "./cookies";
import { isChallengeLive, readPendingSecret, readTwoFactorStatus, type TwoFactorStatus } from "./store";
import { describeSetup, type PendingTotpSetup } from "./totp";

/**
 * Two-factor authentication (SPEC §8) for pages. The routes' work is in lib/auth/two-factor.ts;
 * the parts are crypto.ts (the secret at rest), totp.ts, recovery.ts, store.ts (the tables) and
 * cookies.ts (the challenge cookie and the recovery-codes flash).
 */

export type { PendingTotpSetup, TwoFactorStatus };

/** Whether TOTP is on for the user, and how many recovery codes are left. */
export function getTwoFactorStatus(userId: string): Promise<TwoFactorStatus> {
  return readTwoFactorStatus(userId);
}

/** The setup in progress (secret, otpauth URI, QR code); null when none, expired, or TOTP is on. */
export async function getPendingTotpSetup(userId: string): Promise<PendingTotpSetup | null> {
  const secret = await readPendingSecret(userId);
  if (secret === null) return null;
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return null;
  return describeSetup(secret, user.email);
}

/**
 * The recovery codes just generated for this user, from the flash cookie the enable or regenerate
 * form post set (proxy.ts clears it on this page's load, so they show once); null otherwise.
 */
export async function readRecoveryCodesFlash(userId: string): Promise<string[] | null> {
  // From proxy.ts's forwarded request: the cookie itself already reads as cleared here.
  return unsealRecoveryCodesFlash((await headers()).get(RECOVERY_CODES_FLASH_HEADER) ?? undefined, userId);
}

/** Whether this browser holds a live pending login challenge (for /login/verify). */
export async function hasPendingChallenge(): Promise<boolean> {
  return isChallengeLive(readChallengeCookie(await cookies()));
}
