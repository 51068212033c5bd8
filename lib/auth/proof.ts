import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";

// x-auth-proof (SPEC §3): an HMAC over the identity headers, so that a request which reached the
// app without passing through proxy.ts cannot pose as a user by sending the headers itself.

export const AUTH_HEADERS = {
  userId: "x-user-id",
  role: "x-user-role",
  sessionId: "x-session-id",
  proof: "x-auth-proof",
} as const;

export type AuthClaims = { userId: string; role: string; sessionId: string };

/** A key of its own for proofs, so a proof can never double as a sealed cookie or vice versa. */
export function deriveProofKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "cloakroom", "x-auth-proof v1", 32));
}

export function signProof(claims: AuthClaims, key: Buffer): string {
  // JSON keeps the fields apart: no value can smuggle a separator into another.
  const message = JSON.stringify([claims.userId, claims.role, claims.sessionId]);
  return createHmac("sha256", key).update(message).digest("base64url");
}

export function verifyProof(claims: AuthClaims, proof: string, key: Buffer): boolean {
  const expected = Buffer.from(signProof(claims, key));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Reads and verifies the identity headers; null unless all four are present and the proof holds. */
export function readVerifiedClaims(headers: Headers, key: Buffer): AuthClaims | null {
  const userId = headers.get(AUTH_HEADERS.userId);
  const role = headers.get(AUTH_HEADERS.role);
  const sessionId = headers.get(AUTH_HEADERS.sessionId);
  const proof = headers.get(AUTH_HEADERS.proof);
  if (!userId || !role || !sessionId || !proof) return null;
  const claims = { userId, role, sessionId };
  return verifyProof(claims, proof, key) ? claims : null;
}

let key: Buffer | undefined;

/** The proof key for this process, derived from the newest SESSION_SECRET. */
export function proofKey(): Buffer {
  key ??= deriveProofKey(getEnv().sessionSecrets[0]!);
  return key;
}
