import { describe, expect, it } from "vitest";
import { isCommonPassword } from "@/lib/auth/common-passwords";

describe("isCommonPassword", () => {
  it.each(["password", "12345678", "iloveyou", "qwertyuiop", "PASSWORD1", "Password1"])("flags %s", (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it.each(["correct horse battery staple", "demo-password-123", "admin-password-123", "a fine passphrase"])(
    "lets %s through",
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
