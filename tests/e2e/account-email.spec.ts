import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { linkIn, waitForMail } from "../support/mailbox";

// The flows of SPEC §7 in a real browser, following the links out of real mail. The
// browser-no-js project runs the same steps as plain form posts.

// Which message carries which link: the newest mail to an address may be another one.
const LINK_SUBJECTS: Record<string, RegExp> = {
  "/reset-password": /^Reset your/,
  "/verify-email": /^Verify your email/,
  "/confirm-email": /^Confirm your new email/,
};

/** The received link, opened on this test's own origin (the app mails absolute links). */
async function mailedPath(to: string, pathname: string, since: number): Promise<string> {
  const link = linkIn(await waitForMail(to, { since, subject: LINK_SUBJECTS[pathname]! }), pathname);
  expect(link).toBeTruthy();
  const url = new URL(link!);
  return `${url.pathname}${url.search}`;
}

test("forgot password: from the login page to a new password, through the mailed link", async ({ page, user }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL("/forgot-password");
  const since = Date.now();
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send the reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account uses that address");

  const resetPath = await mailedPath(user.email, "/reset-password", since);
  await page.goto(resetPath);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();

  await page.getByLabel("New password").fill("a brand-new passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL("/login?notice=password-reset");
  await expect(page.getByRole("status")).toHaveText("Your password has been reset. Sign in with the new one.");

  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("a brand-new passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/dashboard");

  // The link was used: opening it again and posting gets the "invalid link" text, not a 500.
  await page.goto(resetPath);
  await page.getByLabel("New password").fill("yet another passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("This link is invalid or has expired. Ask for a new one.");

  await expectActivity(page, ["Password reset requested", "Password reset by email link"]);
});

/** The account's activity page lists these steps (SPEC §7: every step is an audit event the user can see). */
async function expectActivity(page: Page, labels: string[]) {
  await page.goto("/settings/activity");
  for (const label of labels) await expect(page.getByRole("main").getByText(label, { exact: true }).first(), label).toBeVisible();
}

test("email verification: the dashboard says so, resends, and the link verifies", async ({ signedInPage: page, user }) => {
  await page.goto("/dashboard");
  await expect(page.getByText(`${user.email} (not verified)`)).toBeVisible();
  const since = Date.now();
  await page.getByRole("button", { name: "Send the verification link again" }).click();
  await expect(page.getByRole("status")).toHaveText("We have sent a new verification link to your email address.");

  await page.goto(await mailedPath(user.email, "/verify-email", since));
  await page.getByRole("button", { name: "Verify my email address" }).click();
  await expect(page).toHaveURL("/verify-email?notice=email-verified");
  await expect(page.getByRole("status")).toHaveText("Your email address is verified.");
  await page.goto("/dashboard");
  await expect(page.getByText(`${user.email} (verified)`)).toBeVisible();
  await expectActivity(page, ["Verification link sent", "Email address verified"]);
});

test("email change: confirm at the new address; the account moves", async ({ signedInPage: page, user }) => {
  const newEmail = `moved-${user.email}`;
  await page.goto("/settings/email");
  await expect(page.getByText(user.email)).toBeVisible();
  const since = Date.now();
  await page.getByLabel("New email address").fill(newEmail);
  await page.getByLabel("Current password").fill(user.password);
  await page.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(page.getByRole("status")).toContainText("We have sent a confirmation link to the new address.");
  await waitForMail(user.email, { since, subject: /about to change/ });

  await page.goto(await mailedPath(newEmail, "/confirm-email", since));
  await page.getByRole("button", { name: "Confirm new address" }).click();
  await expect(page).toHaveURL("/settings/email?notice=email-changed");
  await expect(page.getByText(`Your address is ${newEmail} (verified).`)).toBeVisible();
  await expectActivity(page, ["Email change requested", "Email address changed"]);
});
