import { afterEach, describe, expect, it, vi } from "vitest";
import { EnvError, parseEnv, requireEnv } from "@/lib/env";

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/app",
  SESSION_SECRET: "s".repeat(32),
};

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv(valid);
    expect(env).toMatchObject({
      isProduction: false,
      sessionStrategy: "database",
      idleTimeoutSeconds: 604800,
      maxAgeSeconds: 2592000,
      maxSessionsPerUser: 10,
      bcryptCost: 12,
      trustProxy: false,
      passwordMinLength: 8,
      appOrigin: undefined,
      rateLimitWindowSeconds: 900,
      rateLimitLoginPerAccount: 5,
      rateLimitLoginPerIp: 50,
      rateLimitSignupPerIp: 10,
      rateLimitPasswordChange: 5,
    });
    expect(env.sessionSecrets).toEqual(["s".repeat(32)]);
  });

  it("splits comma-separated secrets, newest first", () => {
    const env = parseEnv({ ...valid, SESSION_SECRET: `${"a".repeat(32)}, ${"b".repeat(40)}` });
    expect(env.sessionSecrets).toEqual(["a".repeat(32), "b".repeat(40)]);
  });

  it.each([
    [{ SESSION_SECRET: undefined }, /SESSION_SECRET is not set.*openssl rand/],
    [{ SESSION_SECRET: "too-short" }, /SESSION_SECRET.*at least 32 characters/],
    [{ SESSION_SECRET: `${"a".repeat(32)},short` }, /SESSION_SECRET.*at least 32 characters/],
    [{ DATABASE_URL: undefined }, /DATABASE_URL is not set/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL must be a PostgreSQL URL/],
    [{ BCRYPT_COST: "9" }, /BCRYPT_COST must be 10–15/],
    [{ BCRYPT_COST: "16" }, /BCRYPT_COST must be 10–15/],
    [{ SESSION_STRATEGY: "jwt" }, /SESSION_STRATEGY/],
    [{ SESSION_CACHE: "true" }, /SESSION_CACHE must be "on" or "off"/],
    [{ PASSWORD_MIN_LENGTH: "6" }, /PASSWORD_MIN_LENGTH must be at least 8/],
    [{ SESSION_IDLE_TIMEOUT: "100", SESSION_MAX_AGE: "50" }, /SESSION_IDLE_TIMEOUT must not exceed SESSION_MAX_AGE/],
    [{ APP_URL: "not a url" }, /APP_URL/],
    [{ TRUST_PROXY: "yes" }, /TRUST_PROXY/],
    [{ CRON_SECRET: "short" }, /CRON_SECRET must be at least 32 characters/],
    [{ RATE_LIMIT_LOGIN_PER_ACCOUNT: "0" }, /RATE_LIMIT_LOGIN_PER_ACCOUNT/],
    [{ SMTP_URL: "http://mail.example" }, /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    [{ REQUIRE_EMAIL_VERIFICATION: "yes" }, /REQUIRE_EMAIL_VERIFICATION/],
    [{ NODE_ENV: "production", REQUIRE_EMAIL_VERIFICATION: "true" }, /REQUIRE_EMAIL_VERIFICATION needs SMTP_URL in production/],
  ])("names the variable and the fix: %j", (override, message) => {
    expect(() => parseEnv({ ...valid, ...override })).toThrow(EnvError);
    expect(() => parseEnv({ ...valid, ...override })).toThrow(message);
  });

  it("reads the account email settings (SPEC §5)", () => {
    expect(parseEnv(valid)).toMatchObject({ smtpUrl: undefined, mailFrom: "Cloakroom <no-reply@localhost>", requireEmailVerification: false });
    const env = parseEnv({ ...valid, NODE_ENV: "production", SMTP_URL: "smtps://u:p@smtp.example:465", REQUIRE_EMAIL_VERIFICATION: "true" });
    expect(env).toMatchObject({ smtpUrl: "smtps://u:p@smtp.example:465", requireEmailVerification: true });
    // Development keeps the outbox, so verification can be required there without SMTP_URL.
    expect(parseEnv({ ...valid, REQUIRE_EMAIL_VERIFICATION: "true" }).requireEmailVerification).toBe(true);
  });

  it("accepts both session strategies", () => {
    expect(parseEnv({ ...valid, SESSION_STRATEGY: "cookie" }).sessionStrategy).toBe("cookie");
    expect(parseEnv({ ...valid, SESSION_STRATEGY: "database" }).sessionStrategy).toBe("database");
  });

  it("caches sessions unless told not to", () => {
    expect(parseEnv(valid).sessionCache).toBe(true);
    expect(parseEnv({ ...valid, SESSION_CACHE: "" }).sessionCache).toBe(true);
    expect(parseEnv({ ...valid, SESSION_CACHE: "off" }).sessionCache).toBe(false);
  });

  it("treats empty values as unset", () => {
    const env = parseEnv({ ...valid, APP_URL: "", BCRYPT_COST: "" });
    expect(env.appOrigin).toBeUndefined();
    expect(env.bcryptCost).toBe(12);
  });

  it("reduces APP_URL to its origin", () => {
    expect(parseEnv({ ...valid, APP_URL: "https://app.example.com/some/path" }).appOrigin).toBe("https://app.example.com");
  });

  it("trusts x-forwarded-for on Vercel unless told otherwise", () => {
    expect(parseEnv({ ...valid, VERCEL: "1" }).trustProxy).toBe(true);
    expect(parseEnv({ ...valid, VERCEL: "1", TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(parseEnv({ ...valid, TRUST_PROXY: "true" }).trustProxy).toBe(true);
  });

  it("knows production", () => {
    expect(parseEnv({ ...valid, NODE_ENV: "production" }).isProduction).toBe(true);
  });
});

describe("the message for a bad environment (issue 12)", () => {
  const messageOf = (override: Record<string, string | undefined>) => {
    try {
      parseEnv({ ...valid, ...override });
    } catch (error) {
      return (error as EnvError).message;
    }
    throw new Error("no error");
  };

  it("names the variable, never zod's path into the parsed value", () => {
    const message = messageOf({ SESSION_SECRET: "short" });
    expect(message).toContain("  SESSION_SECRET each secret must be at least 32 characters.");
    expect(message).not.toMatch(/SESSION_SECRET\.\d/);
  });

  it("gives one line per bad variable, between a heading and the pointer to .env.example", () => {
    const message = messageOf({ SESSION_SECRET: "short,also-short,still-short", BCRYPT_COST: "9", DATABASE_URL: undefined });
    expect(message.split("\n")).toEqual([
      "Invalid environment configuration:",
      "  DATABASE_URL is not set. Run `npm run dev` (it starts the embedded database) or set a PostgreSQL URL.",
      "  SESSION_SECRET each secret must be at least 32 characters. Generate one with `openssl rand -base64 32`.",
      "  BCRYPT_COST must be 10–15.",
      "See .env.example for every variable.",
    ]);
  });

  it.each([
    [{ MAX_SESSIONS_PER_USER: "ten" }, "MAX_SESSIONS_PER_USER must be a whole number."],
    [{ SESSION_MAX_AGE: "1.5" }, "SESSION_MAX_AGE must be a whole number."],
    [{ SESSION_IDLE_TIMEOUT: "-5" }, "SESSION_IDLE_TIMEOUT must be greater than 0."],
    [{ RATE_LIMIT_LOGIN_PER_ACCOUNT: "0" }, "RATE_LIMIT_LOGIN_PER_ACCOUNT must be at least 1."],
    [{ AUDIT_RETENTION_DAYS: "99999" }, "AUDIT_RETENTION_DAYS must be at most 3650."],
    [{ MAIL_FROM: "x" }, "MAIL_FROM must be at least 3 characters."],
    [{ TRUST_PROXY: "yes" }, 'TRUST_PROXY must be one of "0", "1", "true", "false".'],
    [{ NODE_ENV: "prod" }, 'NODE_ENV must be one of "development", "production", "test".'],
  ])("says zod's generic checks in plain words: %j", (override, line) => {
    const message = messageOf(override);
    expect(message).toContain(`  ${line}\n`);
    expect(message).not.toMatch(/Too small|Too big|Invalid input|Invalid option|expected/);
  });
});

describe("requireEnv (entry points: npm run dev, npm start, the seed, scripts/)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("returns the configuration when it is good", () => {
    expect(requireEnv(valid).sessionStrategy).toBe("database");
  });

  it("prints only the message (no stack trace) and exits with 1", () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void printed.push(...args));
    vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    expect(() => requireEnv({ ...valid, SESSION_SECRET: "short" })).toThrow("exit 1");
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^Invalid environment configuration:\n {2}SESSION_SECRET each secret/);
    expect(printed[0]).not.toMatch(/\n\s+at /);
  });
});

