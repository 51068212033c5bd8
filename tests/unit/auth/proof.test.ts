import { describe, expect, it } from "vitest";
import { AUTH_HEADERS, deriveProofKey, readVerifiedClaims, signProof, verifyProof } from "@/lib/auth/proof";

const key = deriveProofKey("a-test-secret-that-is-long-enough-0123456789");
const claims = { userId: "user_1", role: "user", sessionId: "sess_1" };

function headersFor(values: Partial<Record<keyof typeof AUTH_HEADERS, string>>) {
  const headers = new Headers();
  for (const [field, value] of Object.entries(values)) headers.set(AUTH_HEADERS[field as keyof typeof AUTH_HEADERS], value);
  return headers;
}

describe("signProof / verifyProof", () => {
  it("verifies a proof it made", () => {
    expect(verifyProof(claims, signProof(claims, key), key)).toBe(true);
  });

  it("fails when any claim changes", () => {
    const proof = signProof(claims, key);
    expect(verifyProof({ ...claims, userId: "user_2" }, proof, key)).toBe(false);
    expect(verifyProof({ ...claims, role: "admin" }, proof, key)).toBe(false);
    expect(verifyProof({ ...claims, sessionId: "sess_2" }, proof, key)).toBe(false);
  });

  it("cannot be shifted between fields", () => {
    const a = signProof({ userId: "ab", role: "c", sessionId: "d" }, key);
    const b = signProof({ userId: "a", role: "bc", sessionId: "d" }, key);
    expect(a).not.toBe(b);
  });

  it("fails under another secret", () => {
    const other = deriveProofKey("another-secret-that-is-long-enough-9876543210");
    expect(verifyProof(claims, signProof(claims, key), other)).toBe(false);
  });

  it("rejects proofs of the wrong length without throwing", () => {
    expect(verifyProof(claims, "short", key)).toBe(false);
    expect(verifyProof(claims, "", key)).toBe(false);
  });

  it("derives a key distinct from the secret itself", () => {
    const secret = "a-test-secret-that-is-long-enough-0123456789";
    const bytes = deriveProofKey(secret).export();
    expect(bytes.equals(Buffer.from(secret).subarray(0, 32))).toBe(false);
    expect(bytes).toHaveLength(32);
  });

  it("a verified proof, remembered, still holds only for its own claims", () => {
    const proof = signProof(claims, key);
    expect(verifyProof(claims, proof, key)).toBe(true);
    // Second time from the memo: the same answer, and no other claims borrow it.
    expect(verifyProof(claims, proof, key)).toBe(true);
    expect(verifyProof({ ...claims, role: "admin" }, proof, key)).toBe(false);
    expect(verifyProof(claims, proof, deriveProofKey("another-secret-that-is-long-enough-9876543210"))).toBe(false);
  });
});

describe("readVerifiedClaims", () => {
  const proof = signProof(claims, key);

  it("returns the claims when all headers and the proof are present", () => {
    expect(readVerifiedClaims(headersFor({ ...claims, proof }), key)).toEqual(claims);
  });

  it("never trusts a bare user id", () => {
    expect(readVerifiedClaims(headersFor({ userId: "user_1" }), key)).toBeNull();
    expect(readVerifiedClaims(headersFor({ ...claims }), key)).toBeNull();
  });

  it("rejects a forged proof", () => {
    expect(readVerifiedClaims(headersFor({ ...claims, proof: "A".repeat(proof.length) }), key)).toBeNull();
    expect(readVerifiedClaims(headersFor({ ...claims, userId: "admin_1", proof }), key)).toBeNull();
  });
});
