import { hash, randomBytes } from "node:crypto";

// Session tokens and mailed links (lib/account/tokens.ts) alike.
// 256 bits from the CSPRNG: unguessable even with billions of live sessions (OWASP ASVS 3.2.2).
const TOKEN_BYTES = 32;
// Public ids are not credentials, but random ids keep session counts and order private.
const PUBLIC_ID_BYTES = 16;

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

export function generateSessionId(): string {
  return randomBytes(PUBLIC_ID_BYTES).toString("base64url");
}

/**
 * SHA-256, hex. A fast hash is right here: the input already has 256 bits of entropy. One-shot
 * `hash()`: it runs twice on every authenticated request, and a Hash object costs ~3× as much.
 */
export function hashToken(token: string): string {
  return hash("sha256", token, "hex");
}

export function looksLikeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
