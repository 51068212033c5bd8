import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium when present (CI, machines without Playwright's download), else
// Playwright's own browser (`npx playwright install chromium`). CHROMIUM_PATH overrides both.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const launchOptions = {
  executablePath,
  // Chromium refuses to run as root with its sandbox on; CI containers run as root.
  args: process.getuid?.() === 0 ? ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] : [],
};

// The suite runs once per strategy (SESSION_STRATEGY, as in the app). What only some strategies
// can show lives in files named for them:
//   *.database-only.spec.ts, *.cookie-only.spec.ts, *.redis-only.spec.ts  that strategy alone
//     (they look at its storage: SQL rows, the seal, Redis keys);
//   *.lists-all.spec.ts  the strategies whose store records every session (listsAllSessions:
//     database and redis), e.g. another device's session listed and revoked; not the sealed cookie.
const STRATEGIES = ["database", "cookie", "redis"] as const;
type Strategy = (typeof STRATEGIES)[number];
const strategy: Strategy = STRATEGIES.find((s) => s === process.env.SESSION_STRATEGY) ?? "database";
const otherStrategyOnly = [
  ...STRATEGIES.filter((s) => s !== strategy).map((s) => `**/*.${s}-only.spec.ts`),
  ...(strategy === "cookie" ? ["**/*.lists-all.spec.ts"] : []),
];

export default defineConfig({
  testDir: "tests",
  testIgnore: otherStrategyOnly,
  globalSetup: "./tests/global-setup.ts",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A flaky auth test is a bug, not bad luck.
  retries: 0,
  workers: 2,
  // The timeout only stops a hung test; speed is the bench's business, never a test's (a 20 s
  // browser test has run past the default 30 s on this 2-core machine under CI's load).
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    // Set by global-setup, which runs before the workers load this file.
    baseURL: process.env.CLOAKROOM_TEST_BASE_URL,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "api", testMatch: "api/**/*.spec.ts" },
    {
      name: "browser",
      testMatch: "e2e/**/*.spec.ts",
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
    {
      name: "browser-no-js",
      testMatch: "e2e/**/*.spec.ts",
      testIgnore: ["**/*.js-only.spec.ts", ...otherStrategyOnly],
      use: { ...devices["Desktop Chrome"], launchOptions, javaScriptEnabled: false },
    },
  ],
});
