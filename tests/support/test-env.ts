// What global-setup hands to the tests through process.env (Playwright's documented channel).
export const TEST_ENV = {
  baseUrl: "CLOAKROOM_TEST_BASE_URL",
  databaseUrl: "CLOAKROOM_TEST_DATABASE_URL",
  secret: "CLOAKROOM_TEST_SESSION_SECRET",
  maxSessions: "CLOAKROOM_TEST_MAX_SESSIONS",
  // The test mailbox (tests/support/mailbox.ts): its SMTP URL, and the directory it files mail in.
  smtpUrl: "CLOAKROOM_TEST_SMTP_URL",
  mailDir: "CLOAKROOM_TEST_MAIL_DIR",
} as const;

export function readTestEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is unset: run the suite through playwright.config.ts (global-setup).`);
  return value;
}

/**
 * The environment of every `next start` the suite runs, given a database URL. Mail goes to the
 * run's test mailbox once global-setup has started it; spread `SMTP_URL: ""` over the result for
 * a server without mail (production without SMTP_URL: the mail routes answer 503).
 */
export function serverEnv(databaseUrl: string, secret: string, maxSessions: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: secret,
    SESSION_STRATEGY: process.env.SESSION_STRATEGY ?? "database",
    // The lowest allowed cost: the suite checks behaviour, not bcrypt's speed.
    BCRYPT_COST: "10",
    MAX_SESSIONS_PER_USER: maxSessions,
    // Sessions under SESSION_STRATEGY=redis, and rate limits under any strategy (SPEC §9): the
    // run's logical database, flushed by global-setup.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...(process.env[TEST_ENV.smtpUrl] ? { SMTP_URL: process.env[TEST_ENV.smtpUrl] } : {}),
  };
}
