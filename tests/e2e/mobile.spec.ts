import type { Page } from "@playwright/test";
import { createUser, expect, query, signIn, test, type TestUser } from "../fixtures";
import { ADMIN_NAV, expectFitsWithNav, PHONE, SIGNED_IN_NAV, SIGNED_OUT_NAV } from "../support/phone-screen";
import { previousStepCode } from "./two-factor-helpers";

// Issue 12: at a phone's width no page scrolls sideways, and the whole header stays reachable.
// The header wraps rather than hiding links behind a menu, so this holds without JavaScript
// too (the browser-no-js project runs the same file).
test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

async function visit(page: Page, path: string, status = 200) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(status);
}

async function makeAdmin(baseURL: string): Promise<TestUser> {
  const admin = await createUser(baseURL);
  await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
  return admin;
}

// One test per page: they spread over the workers, and no test nears the timeout on a slow
// machine (a single test walking every signed-in page took 20 s locally and over 30 s in CI).
const SIGNED_OUT_PAGES = [
  "/",
  "/login",
  "/signup",
  "/forgot-password",
  "/reset-password?token=x",
  "/verify-email?token=x",
  "/confirm-email?token=x",
  "/login/verify",
];
for (const path of SIGNED_OUT_PAGES) {
  test(`signed out, ${path} fits a 390 px screen with its nav`, async ({ page }) => {
    await visit(page, path);
    await expectFitsWithNav(page, path, SIGNED_OUT_NAV);
  });
}

test("signed out, a missing page fits a 390 px screen with its nav", async ({ page }) => {
  await visit(page, "/no-such-page", 404);
  await expectFitsWithNav(page, "/no-such-page", SIGNED_OUT_NAV);
});

const SIGNED_IN_PAGES = [
  "/dashboard",
  "/settings/sessions",
  "/settings/password",
  "/settings/email",
  "/settings/two-factor",
  "/settings/two-factor/recovery-codes",
  "/settings/activity",
];
for (const path of SIGNED_IN_PAGES) {
  test(`signed in, ${path} fits a 390 px screen with its nav`, async ({ signedInPage: page }) => {
    await visit(page, path);
    await expectFitsWithNav(page, path, SIGNED_IN_NAV);
  });
}

test("signed in, the two-factor pages with a setup pending, with the codes, and with two-factor on fit a 390 px screen", async ({
  signedInPage: page,
  user,
}) => {
  await test.step("/settings/two-factor with a setup pending: the QR code and the setup key", async () => {
    const setup = await page.request.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } });
    expect(setup.status()).toBe(200);
    await visit(page, "/settings/two-factor");
    await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
    await expectFitsWithNav(page, "/settings/two-factor (setup)", SIGNED_IN_NAV);
    const secret = (await page.getByLabel("Can't scan it? Enter this setup key instead").textContent())!.replaceAll(" ", "");
    await page.getByLabel("Code from your authenticator app").fill(await previousStepCode(secret));
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
  });
  await test.step("/settings/two-factor/recovery-codes with its codes, and the pages with two-factor on", async () => {
    await expect(page).toHaveURL("/settings/two-factor/recovery-codes");
    await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await expectFitsWithNav(page, "/settings/two-factor/recovery-codes (codes)", SIGNED_IN_NAV);
    for (const path of ["/settings/two-factor", "/dashboard"]) {
      await visit(page, path);
      await expectFitsWithNav(page, `${path} (two-factor on)`, SIGNED_IN_NAV);
    }
  });
});

test("signed in, the 403 page (/admin without the role) and a missing page fit a 390 px screen", async ({ signedInPage: page }) => {
  await visit(page, "/admin", 403);
  await expectFitsWithNav(page, "/admin (403)", SIGNED_IN_NAV);
  await visit(page, "/no-such-page", 404);
  await expectFitsWithNav(page, "/no-such-page", SIGNED_IN_NAV);
});

test("signed in, the public pages fit a 390 px screen with the wider signed-in nav", async ({ signedInPage: page }) => {
  for (const path of ["/", "/forgot-password", "/reset-password?token=x", "/verify-email?token=x", "/confirm-email?token=x"]) {
    await test.step(path, async () => {
      await visit(page, path);
      await expectFitsWithNav(page, path, SIGNED_IN_NAV);
    });
  }
  await test.step("/login/verify: a signed-in user is sent to the dashboard, which fits", async () => {
    await visit(page, "/login/verify");
    await expect(page).toHaveURL("/dashboard");
    await expectFitsWithNav(page, "/login/verify → /dashboard", SIGNED_IN_NAV);
  });
});

test("as an admin, the admin pages fit a 390 px screen with their nav", async ({ page, baseURL, user }) => {
  const admin = await makeAdmin(baseURL!);
  await signIn(page.request, admin);
  for (const path of ["/admin", `/admin/users/${user.id}`, "/dashboard"]) {
    await test.step(path, async () => {
      await visit(page, path);
      await expectFitsWithNav(page, path, ADMIN_NAV);
    });
  }
});
