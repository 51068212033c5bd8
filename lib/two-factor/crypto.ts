import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * The TOTP secret at rest (SPEC §8): AES-256-GCM under a key derived with HKDF-SHA-256 from each
 * secret of SESSION_SECRET. A database dump alone yields no secret (ASVS 2.9.1 / 6.4.1: keys
 * outside the data they protect). The key id is a fingerprint of the derived key, never a list
 * position: removing an old secret or adding a new one never renames another key.
 */

// Domain separation: the same SESSION_SECRET keys iron seals and x-auth-proof; this key is for
// nothing but TOTP secrets.
const HKDF_SALT = "cloakroom";
const HKDF_INFO = "cloakroom/two-factor/totp-secret/v1";
const IV_BYTES = 12; // GCM's standard nonce: random per seal, never reused under one key in practice (2^-32 after 2^32 seals)

export type SecretKey = { id: string; key: Buffer };

export function deriveKey(sessionSecret: string): SecretKey {
  const key = Buffer.from(hkdfSync("sha256", sessionSecret, HKDF_SALT, HKDF_INFO, 32));
  // A fingerprint of the key itself (not of the session secret), short: it only tells keys apart.
  const id = createHash("sha256").update("cloakroom/key-id").update(key).digest("base64url").slice(0, 16);
  return { id, key };
}

/** Every key, newest first: the first seals, all open. */
export function deriveKeys(sessionSecrets: readonly string[]): SecretKey[] {
  return sessionSecrets.map(deriveKey);
}

export type Sealed = { sealed: string; keyId: string };

/**
 * `owner` (the user id) is authenticated with the ciphertext (GCM's additional data): a sealed
 * secret copied onto another user's row does not open there.
 */
export function sealSecret(plaintext: string, owner: string, keys: readonly SecretKey[]): Sealed {
  const newest = keys[0];
  if (!newest) throw new Error("two-factor: no key to seal with");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", newest.key, iv);
  cipher.setAAD(Buffer.from(owner, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { sealed: [iv, body, tag].map((part) => part.toString("base64url")).join("."), keyId: newest.id };
}

/**
 * The plaintext, and whether it was sealed under an older key (the caller re-seals it with the
 * newest). Null when no key of the list has that id, or the ciphertext, tag or owner do not match.
 */
export function openSecret(sealed: Sealed, owner: string, keys: readonly SecretKey[]): { plaintext: string; stale: boolean } | null {
  const key = keys.find((candidate) => candidate.id === sealed.keyId);
  const parts = sealed.sealed.split(".");
  if (!key || parts.length !== 3) return null;
  const [iv, body, tag] = parts.map((part) => Buffer.from(part, "base64url")) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== 16) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv);
    decipher.setAAD(Buffer.from(owner, "utf8"));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    return { plaintext, stale: key !== keys[0] };
  } catch {
    // GCM's tag did not verify: tampered, or sealed for another owner.
    return null;
  }
}
