import { randomBytes, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { verifyEmailMessage } from "@/lib/mail/messages";
import { listOutbox, OUTBOX_DIR, writeOutboxMessage } from "@/lib/mail/outbox";
import { expect, test } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { expectFitsWithNav, PHONE, SIGNED_IN_NAV } from "../support/phone-screen";
import { startNextServer, type RunningServer } from "../support/server";
import { serverEnv } from "../support/test-env";

// Issue 12 item 1: `npm run dev` must not break its own Content-Security-Policy. Every other test
// runs against `next start`; this one starts a real `next dev` (on a fresh migrated database of its
// own, a free loopback port, no internet) and fails on any CSP violation in the console, signed
// out and signed in, and unless Next's dev-tools indicator renders as Next draws it.
//
// It runs in every configuration unless the run says otherwise: `next dev` compiles every page on
// its first visit (about a minute here), and neither the session strategy nor the database changes
// what this shows, so .ci/run runs it once (the embedded database, SESSION_STRATEGY=database) and
// sets CLOAKROOM_TEST_SKIP_NEXT_DEV=1 for its other browser runs. It cannot start while a
// `next dev` of yours runs in this checkout (Next allows one per project directory): stop that one first.
test.skip(process.env.CLOAKROOM_TEST_SKIP_NEXT_DEV === "1", "CLOAKROOM_TEST_SKIP_NEXT_DEV=1: this run leaves next dev to another (.ci/run runs it once)");
test.describe.configure({ mode: "serial", timeout: 360_000 });

let database: TestDatabase | undefined;
let dev: RunningServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  database = await createTestDatabase("next_dev");
  const secret = randomBytes(32).toString("base64url");
  // No SMTP_URL, as on a fresh clone: mail goes to the development outbox (.data/outbox of this
  // checkout), which the tests read through /dev/mail and clean of their own messages after.
  dev = await startNextServer({ ...serverEnv(database.url, secret, "5"), NODE_ENV: "development", SMTP_URL: "" }, { dev: true });
});

/** Addresses this file signs up: their mail is removed from the checkout's outbox at the end. */
const addresses = new Set<string>();
function newAddress(label: string): string {
  const address = `dev-${label}-${randomUUID()}@example.test`;
  addresses.add(address);
  return address;
}

test.afterAll(async () => {
  try {
    await dev?.stop();
    await database?.drop();
  } finally {
    const outbox = path.resolve(import.meta.dirname, "../..", OUTBOX_DIR);
    const ours = (await listOutbox(outbox, Number.MAX_SAFE_INTEGER)).filter((message) => addresses.has(message.to));
    await Promise.all(ours.map((message) => rm(path.join(outbox, `${message.id}.json`), { force: true })));
  }
});

/** Console errors that are CSP violations, collected from the moment the page exists. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to (load|execute|apply|connect|evaluate)/i.test(message.text())) {
      violations.push(`${page.url()}: ${message.text()}`);
    }
  });
  return violations;
}

/**
 * Next's dev-tools indicator (a button in the open shadow root of <nextjs-portal>), styled by the
 * inline stylesheet Next puts there. With those styles blocked it was an unstyled grey button in
 * the page flow: still visible and sized, so the check looks at what the stylesheet gives it.
 */
async function expectDevToolsIndicator(page: Page) {
  const button = page.locator("nextjs-portal").getByRole("button", { name: "Open Next.js Dev Tools" });
  await expect(button).toBeVisible();
  // Next redraws the badge while the first compile of a page settles (the button is replaced, and
  // for a moment has no logo): the same checks, until they all hold at once or time out.
  await expect(async () => {
    const box = await button.boundingBox();
    expect(box?.width, "indicator width").toBeGreaterThan(0);
    expect(box?.height, "indicator height").toBeGreaterThan(0);
    const look = await button.evaluate((element) => {
      const indicator = element.closest("#devtools-indicator");
      const badge = element.closest("[data-next-badge]");
      const logo = element.querySelector("svg")?.getBoundingClientRect();
      return {
        position: indicator ? getComputedStyle(indicator).position : null,
        badgeRadius: badge ? getComputedStyle(badge).borderRadius : null,
        badgeBackground: badge ? getComputedStyle(badge).backgroundColor : null,
        logo: logo ? { width: logo.width, height: logo.height } : null,
      };
    });
    expect(look.position, "the indicator floats over the page").toBe("fixed");
    expect(look.badgeRadius, "the badge is round").not.toMatch(/^(0px)?$/);
    expect(look.badgeBackground, "the badge has its dark background").not.toMatch(/^(rgba\(0, 0, 0, 0\)|transparent)?$/);
    expect(look.logo?.width, "the Next logo is drawn").toBeGreaterThan(0);
    expect(look.logo?.height, "the Next logo is drawn").toBeGreaterThan(0);
  }).toPass({ timeout: 30_000 });
}

async function visit(page: Page, path: string, heading: RegExp, violations: string[]) {
  await test.step(path, async () => {
    const response = await page.goto(`${dev!.url}${path}`);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await expectDevToolsIndicator(page);
    expect(violations, `CSP violations on ${path}`).toEqual([]);
  });
}

test("next dev: no CSP violation signed out or signed in, the dev-tools indicator renders, HMR connects", async ({ page }) => {
  const violations = watchCsp(page);
  const sockets: string[] = [];
  page.on("websocket", (socket) => sockets.push(socket.url()));

  await visit(page, "/", /Cloakroom/, violations);
  await visit(page, "/login", /Sign in/, violations);
  await visit(page, "/signup", /Create account/, violations);
  await visit(page, "/dev/mail", /Development outbox/, violations);

  // The dev-tools menu is drawn by the same inline styles.
  await page.locator("nextjs-portal").getByRole("button", { name: "Open Next.js Dev Tools" }).click();
  await expect(page.locator("nextjs-portal").getByText("Bundler")).toBeVisible();
  expect(violations, "CSP violations with the dev-tools menu open").toEqual([]);

  const signup = await page.request.post(`${dev!.url}/api/auth/signup`, {
    data: { email: newAddress("check"), password: `pw-${randomUUID()}`, name: "Dev Check" },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  await visit(page, "/dashboard", /Welcome, Dev Check/, violations);
  await visit(page, "/settings/sessions", /Sessions/, violations);
  await visit(page, "/settings/password", /Change password/, violations);

  // Hot reloading talks to the dev server over a WebSocket, which connect-src ('self') allows.
  expect(sockets.some((url) => url.startsWith(dev!.url.replace(/^http/, "ws")) && url.includes("/_next/"))).toBe(true);
});

// Issue 12 item 2: the outbox pages exist only under next dev, so mobile.spec.ts (next start)
// cannot see them. The server's mail goes to the suite's mailbox, so the test files a message of
// its own in this checkout's outbox (.data/outbox, where next dev reads it) and removes it after:
// a real verification mail, whose long unbroken link is what would push a page sideways.
test("next dev: the outbox and a message fit a 390 px screen with the signed-in nav", async ({ page }) => {
  const outbox = path.resolve(import.meta.dirname, "../..", OUTBOX_DIR);
  const to = `dev-mobile-${randomUUID()}@example.test`;
  const message = await writeOutboxMessage(
    outbox,
    "Cloakroom <no-reply@example.test>",
    verifyEmailMessage(to, `${dev!.url}/verify-email?token=${randomBytes(32).toString("base64url")}`),
  );
  try {
    const signup = await page.request.post(`${dev!.url}/api/auth/signup`, {
      data: { email: newAddress("phone"), password: `pw-${randomUUID()}`, name: "Dev Phone" },
    });
    expect(signup.status(), await signup.text()).toBe(201);
    await page.setViewportSize(PHONE);

    await test.step("/dev/mail", async () => {
      expect((await page.goto(`${dev!.url}/dev/mail`))?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Development outbox");
      await expectFitsWithNav(page, "/dev/mail", SIGNED_IN_NAV);
    });
    await test.step("/dev/mail/[id]", async () => {
      // The list links the message; followed as a page load, since next dev compiles the page first.
      const link = page.getByRole("row").filter({ hasText: to }).getByRole("link", { name: message.subject });
      await expect(link).toHaveAttribute("href", `/dev/mail/${message.id}`);
      expect((await page.goto(`${dev!.url}/dev/mail/${message.id}`))?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(message.subject);
      await expectFitsWithNav(page, `/dev/mail/${message.id}`, SIGNED_IN_NAV);
      await page.getByText("HTML part (source)").click();
      await expect(page.locator("details pre")).toBeVisible();
      await expectFitsWithNav(page, `/dev/mail/${message.id} (HTML part open)`, SIGNED_IN_NAV);
    });
  } finally {
    await rm(path.join(outbox, `${message.id}.json`), { force: true });
  }
});

// Issue 13, "done when": a newcomer on `npm run dev` (no SMTP_URL) clicks "Forgot password?",
// reads the mail at /dev/mail, follows its link, sets a new password and signs in with it.
test("next dev: forgot password through the development outbox, then sign in", async ({ page, playwright }) => {
  const email = newAddress("newcomer");
  const api = await playwright.request.newContext({ baseURL: dev!.url });
  try {
    const signup = await api.post("/api/auth/signup", { data: { email, password: `pw-${randomUUID()}`, name: "Dev Newcomer" } });
    expect(signup.status(), await signup.text()).toBe(201);
  } finally {
    await api.dispose();
  }

  // next dev compiles each page and route on its first request (seconds each on a busy machine):
  // every wait for what comes after a click gets that long.
  const compiled = expect.configure({ timeout: 60_000 });
  await page.goto(`${dev!.url}/login`);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await compiled(page).toHaveURL(`${dev!.url}/forgot-password`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the reset link" }).click();
  await compiled(page.getByRole("status")).toContainText("If an account uses that address");

  // The outbox lists the reset mail (sent after the answer: the list is read until it shows up).
  const row = page.getByRole("row").filter({ hasText: email }).filter({ hasText: /Reset your/ });
  await expect(async () => {
    await page.goto(`${dev!.url}/dev/mail`);
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  // Followed as page loads: next dev compiles each page on its first visit.
  const messagePath = await row.getByRole("link", { name: /^Reset your/ }).getAttribute("href");
  expect(messagePath).toMatch(/^\/dev\/mail\//);
  await page.goto(`${dev!.url}${messagePath}`);
  const link = page.getByRole("link", { name: /\/reset-password\?token=/ });
  await compiled(link).toBeVisible();
  const resetUrl = new URL((await link.getAttribute("href"))!);
  expect(resetUrl.origin, "the link points at the app the newcomer runs").toBe(dev!.url);
  await page.goto(resetUrl.href);
  await page.getByLabel("New password").fill("a newcomer's new passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await compiled(page).toHaveURL(`${dev!.url}/login?notice=password-reset`);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a newcomer's new passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await compiled(page).toHaveURL(`${dev!.url}/dashboard`);
  await compiled(page.getByRole("heading", { level: 1 })).toHaveText(/Welcome, Dev Newcomer/);
});
