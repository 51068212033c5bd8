import { createHash, randomInt } from "node:crypto";

/**
 * Recovery codes (SPEC §8; NIST SP 800-63B §5.1.2 look-up secrets). Each has 120 random bits
 * (24 characters of Crockford base32), shown as six groups of four.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32: no i, l, o, u
const CODE_CHARS = 24;

export function newRecoveryCode(): string {
  let raw = "";
  for (let i = 0; i < CODE_CHARS; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join("-");
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/**
 * A typed code in canonical form: case, spaces and dashes ignored, and the letters Crockford
 * base32 reads as digits (i, l → 1; o → 0). Null when it cannot be a recovery code.
 */
export function normaliseRecoveryCode(input: string): string | null {
  const folded = input.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
  return folded.length === CODE_CHARS && [...folded].every((c) => ALPHABET.includes(c)) ? folded : null;
}

/**
 * SHA-256, hex, of the canonical form. A fast, unsalted hash is right here, unlike for passwords:
 * the codes are random with 120 bits each, so a stolen table cannot be reversed by guessing
 * (NIST SP 800-63B §5.1.2.2 allows an approved one-way hash from 112 bits on); bcrypt would only
 * add a cost to every sign-in with a code.
 */
export function hashRecoveryCode(canonical: string): string {
  return createHash("sha256").update(canonical).digest("hex");
}
