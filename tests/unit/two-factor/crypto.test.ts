import { describe, expect, it } from "vitest";
import { deriveKey, deriveKeys, openSecret, sealSecret } from "@/lib/two-factor/crypto";

const OLD = "old-secret-old-secret-old-secret-0000";
const NEW = "new-secret-new-secret-new-secret-1111";
const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("TOTP secret encryption (AES-256-GCM, HKDF key per SESSION_SECRET)", () => {
  it("round-trips, under the newest key, and never stores the plaintext", () => {
    const keys = deriveKeys([NEW, OLD]);
    const sealed = sealSecret(TOTP_SECRET, "user-1", keys);
    expect(sealed.keyId).toBe(deriveKey(NEW).id);
    expect(sealed.sealed).not.toContain(TOTP_SECRET);
    expect(openSecret(sealed, "user-1", keys)).toEqual({ plaintext: TOTP_SECRET, stale: false });
  });

  it("seals differently every time (random IV)", () => {
    const keys = deriveKeys([NEW]);
    expect(sealSecret(TOTP_SECRET, "u", keys).sealed).not.toBe(sealSecret(TOTP_SECRET, "u", keys).sealed);
  });

  it("key rotation: a secret sealed under the old key opens while the old secret is listed, and says it is stale", () => {
    const sealedOld = sealSecret(TOTP_SECRET, "user-1", deriveKeys([OLD]));
    const rotated = deriveKeys([NEW, OLD]);
    const opened = openSecret(sealedOld, "user-1", rotated);
    expect(opened).toEqual({ plaintext: TOTP_SECRET, stale: true });
    // The caller re-seals it: now under the new key, and it opens without the old one.
    const resealed = sealSecret(opened!.plaintext, "user-1", rotated);
    expect(resealed.keyId).toBe(deriveKey(NEW).id);
    expect(openSecret(resealed, "user-1", deriveKeys([NEW]))).toEqual({ plaintext: TOTP_SECRET, stale: false });
    // Once the old secret is gone, what it sealed no longer opens.
    expect(openSecret(sealedOld, "user-1", deriveKeys([NEW]))).toBeNull();
  });

  it("the key id is a fingerprint of the derived key, not a list position", () => {
    expect(deriveKeys([NEW, OLD])[1]!.id).toBe(deriveKeys([OLD])[0]!.id);
    expect(deriveKey(NEW).id).not.toBe(deriveKey(OLD).id);
    expect(deriveKey(NEW).id).not.toContain(NEW.slice(0, 8));
  });

  it("refuses a tampered ciphertext, tag or IV, and a secret moved to another user", () => {
    const keys = deriveKeys([NEW]);
    const sealed = sealSecret(TOTP_SECRET, "user-1", keys);
    const [iv, body, tag] = sealed.sealed.split(".") as [string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString("base64url");
    };
    for (const tampered of [`${flip(iv)}.${body}.${tag}`, `${iv}.${flip(body)}.${tag}`, `${iv}.${body}.${flip(tag)}`, `${iv}.${body}`, "garbage"]) {
      expect(openSecret({ sealed: tampered, keyId: sealed.keyId }, "user-1", keys), tampered).toBeNull();
    }
    expect(openSecret(sealed, "user-2", keys)).toBeNull();
    expect(openSecret({ ...sealed, keyId: "unknown" }, "user-1", keys)).toBeNull();
  });
});
