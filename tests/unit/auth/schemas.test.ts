import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LoginBodySchema, LogoutAllBodySchema, signupBodySchema } from "@/lib/auth/schemas";

const Signup = signupBodySchema({ passwordMinLength: 8 });
const SignupWithList = signupBodySchema({ passwordMinLength: 8, isCommonPassword: (p) => p === "password123" });

function fieldErrors(result: { success: boolean; error?: z.ZodError }) {
  return result.error ? z.flattenError(result.error).fieldErrors : {};
}

describe("signupBodySchema", () => {
  it("normalises email: trimmed and lower-cased", () => {
    const data = Signup.parse({ email: "  Ada@Example.COM ", password: "long enough" });
    expect(data.email).toBe("ada@example.com");
    expect(data.name).toBeNull();
  });

  it("requires at least the minimum length, counted in characters", () => {
    expect(fieldErrors(Signup.safeParse({ email: "a@b.co", password: "1234567" }))).toEqual({
      password: ["password-too-short"],
    });
    expect(Signup.safeParse({ email: "a@b.co", password: "ééééééé1" }).success).toBe(true);
    expect(fieldErrors(signupBodySchema({ passwordMinLength: 12 }).safeParse({ email: "a@b.co", password: "elevenchars" }))).toEqual({
      password: ["password-too-short"],
    });
  });

  it("caps passwords at 72 UTF-8 bytes after NFKC, not 72 characters", () => {
    expect(Signup.safeParse({ email: "a@b.co", password: "a".repeat(72) }).success).toBe(true);
    expect(fieldErrors(Signup.safeParse({ email: "a@b.co", password: "a".repeat(73) }))).toEqual({
      password: ["password-too-long"],
    });
    // 37 × "é" is 37 characters but 74 bytes.
    expect(fieldErrors(Signup.safeParse({ email: "a@b.co", password: "é".repeat(37) }))).toEqual({
      password: ["password-too-long"],
    });
  });

  it("refuses a password the common-password check flags, after normalising it", () => {
    expect(fieldErrors(SignupWithList.safeParse({ email: "a@b.co", password: "password123" }))).toEqual({ password: ["password-common"] });
    expect(fieldErrors(SignupWithList.safeParse({ email: "a@b.co", password: "ｐａｓｓｗｏｒｄ１２３" }))).toEqual({ password: ["password-common"] });
    expect(SignupWithList.safeParse({ email: "a@b.co", password: "password1234" }).success).toBe(true);
    const shortAndCommon = signupBodySchema({ passwordMinLength: 8, isCommonPassword: () => true });
    expect(fieldErrors(shortAndCommon.safeParse({ email: "a@b.co", password: "short" }))).toEqual({ password: ["password-too-short"] });
  });

  it("normalises passwords with NFKC", () => {
    const composed = Signup.parse({ email: "a@b.co", password: "caf\u00e9-password" }).password;
    const decomposed = Signup.parse({ email: "a@b.co", password: "cafe\u0301-password" }).password;
    expect(decomposed).toBe(composed);
    expect(Signup.parse({ email: "a@b.co", password: "ｆｕｌｌｗｉｄｔｈ!" }).password).toBe("fullwidth!");
  });

  it("reports each bad field by code", () => {
    expect(fieldErrors(Signup.safeParse({ email: "not-an-email", password: "" }))).toEqual({
      email: ["email-invalid"],
      password: ["required"],
    });
    expect(fieldErrors(Signup.safeParse({}))).toEqual({ email: ["required"], password: ["required"] });
    expect(fieldErrors(Signup.safeParse({ email: "a@b.co", password: "long enough", name: "n".repeat(101) }))).toEqual({
      name: ["name-too-long"],
    });
  });
});

describe("LoginBodySchema", () => {
  it("applies no password policy, only a bound", () => {
    expect(LoginBodySchema.safeParse({ email: "a@b.co", password: "short" }).success).toBe(true);
    expect(LoginBodySchema.safeParse({ email: "a@b.co", password: "x".repeat(1025) }).success).toBe(false);
  });

  it("normalises email and password like signup", () => {
    const data = LoginBodySchema.parse({ email: " A@B.CO", password: "cafe\u0301" });
    expect(data).toEqual({ email: "a@b.co", password: "caf\u00e9", remember: true });
  });

  // Issue 12 item 9. The login form posts a hidden "false" before its checkbox's "true" (the last
  // value wins), so a form never leaves it out; a JSON caller that does keeps a persistent cookie.
  it.each([
    [undefined, true],
    [true, true],
    [false, false],
    ["true", true],
    ["on", true],
    ["false", false],
  ])("remember %j → %j", (remember, expected) => {
    expect(LoginBodySchema.parse({ email: "a@b.co", password: "pw", remember }).remember).toBe(expected);
  });

  it.each([["yes"], [""], [1], [null]])("refuses remember %j", (remember) => {
    const result = LoginBodySchema.safeParse({ email: "a@b.co", password: "pw", remember });
    expect(result.success).toBe(false);
    expect(Object.keys(fieldErrors(result))).toEqual(["remember"]);
  });
});

describe("LogoutAllBodySchema", () => {
  // The same flag as remember, but absent means "sign out everywhere", this device included.
  it.each([
    [undefined, false],
    [true, true],
    ["true", true],
    ["on", true],
    ["false", false],
  ])("keepCurrent %j → %j", (keepCurrent, expected) => {
    expect(LogoutAllBodySchema.parse({ keepCurrent }).keepCurrent).toBe(expected);
  });
});
