import { randomBytes } from "node:crypto";
import path from "node:path";
import { chromium } from "@playwright/test";
import { createTestDatabase } from "@/tests/support/database";
import { startNextServer } from "@/tests/support/server";

// `npm run screenshot`: the README's picture, taken from the real app (a fresh database, `next
// start` on a loopback port, Chromium), so it never shows something the app does not do.
// Needs a build (`npm run build`); writes docs/screenshot.png. Every process it starts, it stops.

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "docs/screenshot.png");

const database = await createTestDatabase("screenshot");
const server = await startNextServer({
  NODE_ENV: "production",
  DATABASE_URL: database.url,
  SESSION_SECRET: randomBytes(32).toString("base64url"),
  BCRYPT_COST: "10",
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 520 }, deviceScaleFactor: 1, baseURL: server.url, userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" });
  const account = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
  await page.goto("/signup");
  await page.getByLabel("Name (optional)").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/dashboard");
  // A second device, so the sessions page shows what it is for.
  const phone = await browser.newContext({ baseURL: server.url, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" });
  await phone.request.post("/api/auth/login", { data: { email: account.email, password: account.password } });
  await page.goto("/settings/sessions");
  await page.screenshot({ path: OUT });
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
  await phone.close();
} finally {
  await browser.close();
  await server.stop();
  await database.drop();
}
