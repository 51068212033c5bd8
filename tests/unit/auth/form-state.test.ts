import { describe, expect, it } from "vitest";
import { readFormState } from "@/lib/auth/form-state";

const config = { passwordMinLength: 10 };

describe("readFormState", () => {
  it("turns known codes into their texts", () => {
    const state = readFormState(
      { error: "invalid-input", "f.email": "email-invalid", "f.password": "password-too-short", next: "/settings" },
      ["email", "password"],
      config,
    );
    expect(state).toEqual({
      next: "/settings",
      error: "Please correct the fields below.",
      notice: undefined,
      fields: { email: "Enter a valid email address.", password: "Use at least 10 characters." },
    });
  });

  it("reads a notice by code", () => {
    expect(readFormState({ notice: "password-changed" }, [], config).notice).toBe(
      "Password changed. Every other session has been signed out.",
    );
  });

  it("shows nothing for text that is not a known code", () => {
    const state = readFormState({ error: "Your account is locked, call +1 555", "f.email": "<b>hi</b>" }, ["email"], config);
    expect(state.error).toBeUndefined();
    expect(state.fields).toEqual({});
  });

  it("keeps next on this origin", () => {
    expect(readFormState({ next: "https://evil.test" }, [], config).next).toBe("/dashboard");
    expect(readFormState({ next: ["/a", "/b"] }, [], config).next).toBe("/a");
  });
});
