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

function computeProof(message: string, key: Buffer): string {
  return createHmac("sha256", key).update(message).digest("base64url");
}

// JSON keeps the fields apart: no value can smuggle a separator into another.
const messageOf = (claims: AuthClaims) => JSON.stringify([claims.userId, claims.role, claims.sessionId]);

// The proxy signs the same three values on every request of a session: each proof is computed
// once per process. Only the proxy's signing side remembers (its input is a validated session);
// verification always computes, so its timing says nothing about what was signed before.
const PROOF_MEMO_SIZE = 10_000;
const signed = new WeakMap<Buffer, Map<string, string>>();

export function signProof(claims: AuthClaims, key: Buffer): string {
  const message = messageOf(claims);
  let proofs = signed.get(key);
  if (!proofs) signed.set(key, (proofs = new Map()));
  let proof = proofs.get(message);
  if (proof === undefined) {
    proof = computeProof(message, key);
    if (proofs.size >= PROOF_MEMO_SIZE) proofs.clear();
    proofs.set(message, proof);
  }
  return proof;
}

export function verifyProof(claims: AuthClaims, proof: string, key: Buffer): boolean {
  const expected = Buffer.from(computeProof(messageOf(claims), key));
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
