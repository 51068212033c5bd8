import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from "node:crypto";
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

/**
 * A key of its own for proofs, so a proof can never double as a sealed cookie or vice versa. A
 * KeyObject, made once: handing createHmac raw bytes re-imports them on every call (~30 µs).
 */
export function deriveProofKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync("sha256", secret, "cloakroom", "x-auth-proof v1", 32)));
}

function computeProof(message: string, key: KeyObject): string {
  return createHmac("sha256", key).update(message).digest("base64url");
}

// JSON keeps the fields apart: no value can smuggle a separator into another.
const messageOf = (claims: AuthClaims) => JSON.stringify([claims.userId, claims.role, claims.sessionId]);

// The same three values are signed and verified on every request of a session, so each process
// remembers the proofs it made (by message) and the proofs it verified (by proof).
const PROOF_MEMO_SIZE = 10_000;
const signed = new WeakMap<KeyObject, Map<string, string>>();
const verified = new WeakMap<KeyObject, Map<string, string>>();

function remember(memo: WeakMap<KeyObject, Map<string, string>>, key: KeyObject, from: string, to: string) {
  let entries = memo.get(key);
  if (!entries) memo.set(key, (entries = new Map()));
  if (entries.size >= PROOF_MEMO_SIZE) entries.clear();
  entries.set(from, to);
}

export function signProof(claims: AuthClaims, key: KeyObject): string {
  const message = messageOf(claims);
  const known = signed.get(key)?.get(message);
  if (known !== undefined) return known;
  const proof = computeProof(message, key);
  remember(signed, key, message, proof);
  return proof;
}

export function verifyProof(claims: AuthClaims, proof: string, key: KeyObject): boolean {
  const message = messageOf(claims);
  // Looked up by the proof, never by the claims: only a genuine proof (which only the proxy can
  // make) finds an entry, and no secret is ever compared in variable time.
  const known = verified.get(key)?.get(proof);
  if (known !== undefined) return known === message;
  const expected = Buffer.from(computeProof(message, key));
  const given = Buffer.from(proof);
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  if (valid) remember(verified, key, proof, message);
  return valid;
}

/** Reads and verifies the identity headers; null unless all four are present and the proof holds. */
export function readVerifiedClaims(headers: Headers, key: KeyObject): AuthClaims | null {
  const userId = headers.get(AUTH_HEADERS.userId);
  const role = headers.get(AUTH_HEADERS.role);
  const sessionId = headers.get(AUTH_HEADERS.sessionId);
  const proof = headers.get(AUTH_HEADERS.proof);
  if (!userId || !role || !sessionId || !proof) return null;
  const claims = { userId, role, sessionId };
  return verifyProof(claims, proof, key) ? claims : null;
}

let key: KeyObject | undefined;

/** The proof key for this process, derived from the newest SESSION_SECRET. */
export function proofKey(): KeyObject {
  key ??= deriveProofKey(getEnv().sessionSecrets[0]!);
  return key;
}
