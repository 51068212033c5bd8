import { z } from "zod";

// The only reader of process.env (STYLE §1). Parsed once, lazily, so `next build` can import
// modules without a runtime configuration; instrumentation.ts parses it at server start so a
// bad value stops the app before it serves anything.

const SECRET_MIN_LENGTH = 32;

// An empty line in .env (`APP_URL=`) means "unset", not "the empty string".
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);

const seconds = (fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().default(fallback));

const postgresUrl = z
  .string({ error: "is not set. Run `npm run dev` (it starts the embedded database) or set a PostgreSQL URL." })
  .regex(/^postgres(ql)?:\/\//, "must be a PostgreSQL URL (postgresql://user:password@host:5432/db).");

const sessionSecrets = z
  .string({ error: "is not set. `npm run dev` writes one into .env; elsewhere generate one with `openssl rand -base64 32`." })
  .transform((value) => value.split(",").map((secret) => secret.trim()).filter(Boolean))
  .pipe(
    z
      .array(
        z.string().min(
          SECRET_MIN_LENGTH,
          `each secret must be at least ${SECRET_MIN_LENGTH} characters. Generate one with \`openssl rand -base64 32\`.`,
        ),
      )
      .min(1, "must hold at least one secret."),
  );

// redis://[user:password@]host[:port][/db]; rediss:// is the same over TLS.
function isRedisUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === "redis:" || url.protocol === "rediss:") &&
    url.hostname !== "" &&
    /^\/?(\d+)?$/.test(url.pathname) &&
    url.search === "" &&
    url.hash === "" &&
    // The credentials are percent-decoded at connect time (lib/redis.ts): a bad escape is refused
    // here, at start-up, rather than by the first request.
    decodes(url.username) &&
    decodes(url.password)
  );
}

function decodes(component: string): boolean {
  try {
    decodeURIComponent(component);
    return true;
  } catch {
    return false;
  }
}

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const EnvSchema = z
  .object({
    NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(["development", "production", "test"]).default("development")),
    DATABASE_URL: z.preprocess(unsetIfEmpty, postgresUrl),
    SESSION_SECRET: z.preprocess(unsetIfEmpty, sessionSecrets),
    SESSION_STRATEGY: z.preprocess(
      unsetIfEmpty,
      z.enum(["database", "cookie", "redis"], { error: 'must be "database", "cookie" or "redis".' }).default("database"),
    ),
    // Sessions under SESSION_STRATEGY=redis, and rate limits under every strategy (SPEC §9).
    // rediss:// is TLS, as managed Redis services require.
    REDIS_URL: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .refine(isRedisUrl, "must be a redis:// or rediss:// URL with a host and, if any, a database number as its path (rediss://user:password@redis.example.com:6380/0).")
        .optional(),
    ),
    // "off" trades throughput for revocation that holds on the very next request everywhere,
    // instead of within a second (lib/session/cache.ts).
    SESSION_CACHE: z.preprocess(unsetIfEmpty, z.enum(["on", "off"], { error: 'must be "on" or "off".' }).default("on")),
    SESSION_IDLE_TIMEOUT: seconds(7 * 24 * 60 * 60),
    SESSION_MAX_AGE: seconds(30 * 24 * 60 * 60),
    MAX_SESSIONS_PER_USER: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(1000).default(10)),
    // Below 10 is too cheap for 2020s hardware (OWASP); above 15 takes seconds per login.
    BCRYPT_COST: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(10, "must be 10–15.").max(15, "must be 10–15.").default(12)),
    APP_URL: z.preprocess(
      unsetIfEmpty,
      z.url({ protocol: /^https?$/, error: "must be an http(s) origin such as https://example.com." }).optional(),
    ),
    TRUST_PROXY: z.preprocess(unsetIfEmpty, booleanFlag.optional()),
    VERCEL: z.preprocess(unsetIfEmpty, z.string().optional()),
    // Rate limits (lib/rate-limit): failures (or signups) allowed per window before a lock-out.
    RATE_LIMIT_WINDOW: seconds(15 * 60),
    RATE_LIMIT_LOGIN_PER_ACCOUNT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(1000).default(5)),
    RATE_LIMIT_LOGIN_PER_IP: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(100000).default(50)),
    RATE_LIMIT_SIGNUP_PER_IP: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(100000).default(10)),
    RATE_LIMIT_PASSWORD_CHANGE: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(1000).default(5)),
    // Requests that send mail (password reset, verification resend) per address and per client IP.
    RATE_LIMIT_EMAIL_PER_ACCOUNT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(1000).default(5)),
    RATE_LIMIT_EMAIL_PER_IP: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(100000).default(20)),
    AUDIT_RETENTION_DAYS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(3650).default(90)),
    CRON_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32, "must be at least 32 characters (openssl rand -base64 32).").optional()),
    CLOAKROOM_TEST_CLOCK_FILE: z.preprocess(unsetIfEmpty, z.string().optional()),
    // Account email (SPEC §7). Unset in development: the development outbox (/dev/mail).
    SMTP_URL: z.preprocess(
      unsetIfEmpty,
      z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL (smtps://user:password@smtp.example.com:465)." }).optional(),
    ),
    MAIL_FROM: z.preprocess(unsetIfEmpty, z.string().min(3).max(320).default("Cloakroom <no-reply@localhost>")),
    REQUIRE_EMAIL_VERIFICATION: z.preprocess(unsetIfEmpty, booleanFlag.default(false)),
    // NIST SP 800-63B §3.1.1.2: at least 8 characters; a deployment may ask for more.
    PASSWORD_MIN_LENGTH: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(8, "must be at least 8 (NIST SP 800-63B).").max(64).default(8)),
  })
  .refine((env) => env.SESSION_IDLE_TIMEOUT <= env.SESSION_MAX_AGE, {
    path: ["SESSION_IDLE_TIMEOUT"],
    message: "must not exceed SESSION_MAX_AGE.",
  })
  .refine((env) => env.SESSION_STRATEGY !== "redis" || env.REDIS_URL !== undefined, {
    path: ["REDIS_URL"],
    message: "is not set, and SESSION_STRATEGY=redis keeps sessions there. Set REDIS_URL (redis://127.0.0.1:6379/0), or pick another SESSION_STRATEGY.",
  })
  // Nobody could ever verify, so no new account could ever sign in.
  .refine((env) => !(env.REQUIRE_EMAIL_VERIFICATION && env.NODE_ENV === "production" && env.SMTP_URL === undefined), {
    path: ["REQUIRE_EMAIL_VERIFICATION"],
    message: "needs SMTP_URL in production: without mail no account can verify its address. Set SMTP_URL, or set this to false.",
  })
  .transform((env) => ({
    isProduction: env.NODE_ENV === "production",
    isTest: env.NODE_ENV === "test",
    databaseUrl: env.DATABASE_URL,
    sessionSecrets: env.SESSION_SECRET,
    sessionStrategy: env.SESSION_STRATEGY,
    sessionCache: env.SESSION_CACHE === "on",
    redisUrl: env.REDIS_URL,
    idleTimeoutSeconds: env.SESSION_IDLE_TIMEOUT,
    maxAgeSeconds: env.SESSION_MAX_AGE,
    maxSessionsPerUser: env.MAX_SESSIONS_PER_USER,
    bcryptCost: env.BCRYPT_COST,
    appOrigin: env.APP_URL === undefined ? undefined : new URL(env.APP_URL).origin,
    // Vercel always sits behind its own proxy, which sets x-forwarded-for (SPEC §5).
    trustProxy: env.TRUST_PROXY ?? env.VERCEL === "1",
    passwordMinLength: env.PASSWORD_MIN_LENGTH,
    cronSecret: env.CRON_SECRET,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    rateLimitWindowSeconds: env.RATE_LIMIT_WINDOW,
    rateLimitLoginPerAccount: env.RATE_LIMIT_LOGIN_PER_ACCOUNT,
    rateLimitLoginPerIp: env.RATE_LIMIT_LOGIN_PER_IP,
    rateLimitSignupPerIp: env.RATE_LIMIT_SIGNUP_PER_IP,
    rateLimitPasswordChange: env.RATE_LIMIT_PASSWORD_CHANGE,
    rateLimitEmailPerAccount: env.RATE_LIMIT_EMAIL_PER_ACCOUNT,
    rateLimitEmailPerIp: env.RATE_LIMIT_EMAIL_PER_IP,
    testClockFile: env.CLOAKROOM_TEST_CLOCK_FILE,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
  }));

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

// zod's own wording ("Too small: expected number to be >=1") for the checks that carry no text of
// their own above: what is wrong, said to someone editing .env. Texts given in the schema win.
const plainIssueText: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") return `must be at least ${issue.minimum} characters.`;
      return issue.inclusive ? `must be at least ${issue.minimum}.` : `must be greater than ${issue.minimum}.`;
    case "too_big":
      if (issue.origin === "string") return `must be at most ${issue.maximum} characters.`;
      return issue.inclusive ? `must be at most ${issue.maximum}.` : `must be less than ${issue.maximum}.`;
    case "invalid_type":
      if (issue.input === undefined) return "is not set.";
      return issue.expected === "number" || issue.expected === "int" ? "must be a whole number." : undefined;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => `"${String(value)}"`).join(", ")}.`;
    default:
      return undefined;
  }
};

/**
 * One line per bad variable: its name, what is wrong and the fix. Only the variable's name, never
 * zod's path into the parsed value (SESSION_SECRET, not SESSION_SECRET.0), and only its first
 * problem (two short secrets in one SESSION_SECRET are one line).
 */
export function formatEnvIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = new Map<string, string>();
  for (const issue of issues) {
    const name = typeof issue.path[0] === "string" ? issue.path[0] : "environment";
    if (!lines.has(name)) lines.set(name, `${name} ${issue.message}`);
  }
  return [...lines.values()];
}

/** Parses a set of variables; throws an EnvError that names every bad variable and its fix. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source, { error: plainIssueText });
  if (result.success) return result.data;
  const lines = formatEnvIssues(result.error.issues).map((line) => `  ${line}`);
  throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}

/**
 * For entry points (`npm run dev`, `npm start`, the seed, scripts/): the configuration, or its
 * message on stderr, without a stack trace, and exit code 1. `source` defaults to process.env.
 * Imports nothing but zod: scripts/start.ts loads this file with Node's own type stripping.
 */
export function requireEnv(source?: Record<string, string | undefined>): Env {
  try {
    return source ? parseEnv(source) : getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
