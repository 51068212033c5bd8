import { describe, expect, it } from "vitest";
import { isMessageCode } from "@/lib/auth/messages";
import { OUTCOMES, type Reason } from "@/lib/http/outcomes";
import { done, fail, respond, signedIn } from "@/lib/http/respond";
import { LOGIN_PATH } from "@/lib/routes";

process.env.SESSION_SECRET ??= "vitest-secret-vitest-secret-vitest-secret";
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/unused";

// The reasons readBody() reports always carry their own text (it names the limit or the media type).
const CARRY_THEIR_TEXT: Reason[] = ["malformed-json", "body-too-large", "unsupported-media-type", "invalid-input"];

const session = { cookieValue: "t".repeat(43), maxAgeSeconds: 60, persistent: true };
const user = { id: "u1", email: "a@b.co", name: null, role: "user" as const, emailVerified: false };

describe("the outcome table (lib/http/outcomes.ts)", () => {
  it("gives every reason an error status and, unless it brings its own text, a human message", () => {
    for (const [reason, rule] of Object.entries(OUTCOMES) as Array<[Reason, { status: number }]>) {
      expect(rule.status, reason).toBeGreaterThanOrEqual(400);
      if (!CARRY_THEIR_TEXT.includes(reason)) expect(isMessageCode(reason), reason).toBe(true);
    }
  });

  it.each([
    ["invalid-credentials", 401, "Invalid email or password"],
    ["email-taken", 409, "An account with this email already exists."],
    ["user-not-found", 404, "That user does not exist."],
    ["forbidden", 403, "Forbidden"],
    ["unauthenticated", 401, "Authentication required"],
    ["store-unavailable", 503, "Service unavailable"],
  ] as const)("%s → %i with its text, for JSON callers", async (reason, status, error) => {
    const response = respond(fail(reason), "json");
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error });
    expect(response.headers.get("retry-after")).toBeNull();
  });

  it("rate-limited → 429 with Retry-After: the figure the limit gave, else 60", () => {
    expect(respond({ ok: false, reason: "rate-limited", retryAfterSeconds: 17 }, "json").headers.get("retry-after")).toBe("17");
    const response = respond(fail("rate-limited"), "json");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("60");
    const form = respond({ ok: false, reason: "rate-limited", retryAfterSeconds: 17 }, "form", { path: "/login" });
    expect([form.status, form.headers.get("location"), form.headers.get("retry-after")]).toEqual([303, "/login?error=rate-limited", "17"]);
  });
});

describe("respond", () => {
  it("sends a form back to its page with the error code, the first code per field and a safe next", () => {
    const response = respond(
      { ok: false, reason: "invalid-input", fields: { email: ["email-invalid", "required"] } },
      "form",
      { path: "/signup", next: "//evil.example" },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/signup?error=invalid-input&f.email=email-invalid&next=%2Fdashboard");
  });

  it("keeps the form's method on its way back, but not to the login page when the pending login ended", () => {
    const back = respond(fail("mfa-code-wrong"), "form", { path: "/login/verify", next: "/settings", method: "recovery" });
    expect(back.headers.get("location")).toBe("/login/verify?error=mfa-code-wrong&next=%2Fsettings&method=recovery");
    const ended = respond(fail("mfa-challenge-ended"), "form", { path: "/login/verify", method: "recovery" });
    expect(ended.headers.get("location")).toBe(`${LOGIN_PATH}?error=mfa-challenge-ended`);
  });

  it("describes field codes for JSON callers", async () => {
    const response = respond({ ok: false, reason: "invalid-input", fields: { email: ["email-invalid"] } }, "json");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Please correct the fields below.", fields: { email: ["Enter a valid email address."] } });
  });

  it("answers a form with JSON when the request itself was unusable (413, 415)", () => {
    const response = respond({ ok: false, reason: "body-too-large", error: "too big" }, "form", { path: "/login" });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toContain("application/json");
  });

  it("session-ended clears the cookie and sends a form to the login page", () => {
    const form = respond(fail("session-ended"), "form", { path: "/settings/sessions" });
    expect(form.headers.get("location")).toBe(`${LOGIN_PATH}?error=session-ended`);
    expect(form.headers.get("set-cookie")).toMatch(/^session=; .*Max-Age=0/);
    const json = respond(fail("session-ended"), "json");
    expect(json.status).toBe(401);
    expect(json.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("a new session: {user} and the cookie for JSON (201 for signup), a 303 to a safe next for a form", async () => {
    const created = respond(signedIn({ user, newSession: { ...session, session: {} as never } }, "/settings", 201), "json");
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ user });
    expect(created.headers.get("set-cookie")).toMatch(new RegExp(`^session=${session.cookieValue}; .*Max-Age=60`));
    expect(created.headers.get("cache-control")).toBe("no-store");
    const form = respond(signedIn({ user, newSession: { ...session, session: {} as never } }, "https://evil.example/"), "form");
    expect([form.status, form.headers.get("location")]).toEqual([303, "/dashboard"]);
  });

  it("done(): {ok: true} for JSON, the redirect for a form, and the cookie change either way", async () => {
    const json = respond(done("/", "clear"), "json");
    expect(await json.json()).toEqual({ ok: true });
    expect(json.headers.get("set-cookie")).toMatch(/^session=; /);
    const form = respond(done("/settings/sessions?notice=others-revoked", session), "form");
    expect(form.headers.get("location")).toBe("/settings/sessions?notice=others-revoked");
    expect(form.headers.get("set-cookie")).toMatch(new RegExp(`^session=${session.cookieValue};`));
  });
});
