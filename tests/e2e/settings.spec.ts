import { expect, signIn, test } from "../fixtures";

test("the sessions page lists this device and signs out everywhere else", async ({ signedInPage: page, playwright, baseURL, user }) => {
  const other = await playwright.request.newContext({ baseURL });
  await signIn(other, user);

  await page.goto("/settings/sessions");
  await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
  const mine = page.getByRole("listitem").filter({ hasText: "This device" });
  await expect(mine).toContainText("Chrome on Windows");
  await expect(mine.getByRole("button", { name: "Sign out of this device" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page).toHaveURL("/settings/sessions?notice=others-revoked");
  await expect(page.getByRole("status")).toHaveText("Every other session has been signed out.");
  expect((await other.get("/api/auth/session")).status()).toBe(401);
  await other.dispose();
});

test("signing this device out from the sessions page leads to the login page", async ({ signedInPage: page }) => {
  await page.goto("/settings/sessions");
  await page.getByRole("button", { name: "Sign out of this device" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard/);
});

test("changing the password says so, keeps this device signed in, and the new password works", async ({ signedInPage: page, user }) => {
  await page.goto("/settings/password");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a completely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Your current password is not correct.");

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password").fill("a completely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL("/settings/password?notice=password-changed");
  await expect(page.getByRole("status")).toHaveText("Password changed. Every other session has been signed out.");

  await page.goto("/dashboard");
  await expect(page.getByText(user.email)).toBeVisible();
  const login = await page.request.post("/api/auth/login", { data: { email: user.email, password: "a completely new passphrase" } });
  expect(login.status()).toBe(200);
});
