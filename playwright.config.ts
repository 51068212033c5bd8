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

// The suite runs once per strategy (SESSION_STRATEGY, as in the app). Files named
// *.database-only.spec.ts / *.cookie-only.spec.ts hold what only one strategy can show.
const strategy = process.env.SESSION_STRATEGY === "cookie" ? "cookie" : "database";
const otherStrategyOnly = `**/*.${strategy === "cookie" ? "database" : "cookie"}-only.spec.ts`;

export default defineConfig({
  testDir: "tests",
  testIgnore: otherStrategyOnly,
  globalSetup: "./tests/global-setup.ts",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A flaky auth test is a bug, not bad luck.
  retries: 0,
  workers: 2,
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
      testIgnore: ["**/*.js-only.spec.ts", otherStrategyOnly],
      use: { ...devices["Desktop Chrome"], launchOptions, javaScriptEnabled: false },
    },
  ],
});
