import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";

/**
 * TOTP as authenticator apps expect it (RFC 6238; SPEC §8): SHA-1, 6 digits, 30-second steps,
 * through otplib (maintained, pure JavaScript, no native addon) rather than hand-rolled HMAC.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = "Cloakroom";

/** A new secret: 20 random bytes (160 bits, RFC 4226 §4's recommended length), base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, accountName: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountName, secret, algorithm: "sha1", digits: 6, period: TOTP_PERIOD_SECONDS });
}

/**
 * The QR code of the otpauth URI as an SVG string, rendered here: the secret never goes to a
 * third-party QR service, and the markup needs no script or inline style (CSP-clean).
 */
export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** The time step a moment falls in (RFC 6238 T, with T0 = 0). */
export function timeStepAt(ms: number): number {
  return Math.floor(ms / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step whose code `code` is, if it is the step of `atMs` or the one before it; null
 * otherwise. One step of drift back and none forward (SPEC §8; NIST SP 800-63B §5.1.4.2 asks for
 * a bounded window). Whether that step was already used is the caller's check (lib/two-factor/store.ts).
 */
export async function matchTotpStep(secret: string, code: string, atMs: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(atMs / 1000),
      period: TOTP_PERIOD_SECONDS,
      // [past, future] in seconds: one whole period back reaches exactly the previous step.
      epochTolerance: [TOTP_PERIOD_SECONDS, 0],
    });
    // otplib's functional verify types TOTP and HOTP results as one union; a TOTP match carries its step.
    return result.valid && "timeStep" in result ? result.timeStep : null;
  } catch {
    // A secret that does not decode: no code matches it.
    return null;
  }
}

export type PendingTotpSetup = { secret: string; uri: string; qrSvg: string };

/** What a setup shows: the secret for typing in, its otpauth URI, and that URI as a QR code. */
export async function describeSetup(secret: string, accountName: string): Promise<PendingTotpSetup> {
  const uri = totpUri(secret, accountName);
  return { secret, uri, qrSvg: await qrSvg(uri) };
}
