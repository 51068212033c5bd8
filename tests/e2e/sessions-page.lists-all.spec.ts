import { expect, signIn, test } from "../fixtures";

test("where the store records every session (database, redis), the sessions page lists other devices and revokes one", async ({ signedInPage: page, playwright, baseURL, user }) => {
  const tablet = await playwright.request.newContext({
    baseURL,
    userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:131.0) Gecko/20100101 Firefox/131.0",
  });
  await signIn(tablet, user);

  await page.goto("/settings/sessions");
  const other = page.getByRole("listitem").filter({ hasText: "Firefox on macOS" });
  await expect(other).toBeVisible();
  await other.getByRole("button", { name: /Sign out/ }).click();
  await expect(page).toHaveURL("/settings/sessions?notice=session-revoked");
  await expect(page.getByRole("listitem").filter({ hasText: "Firefox on macOS" })).toHaveCount(0);
  expect((await tablet.get("/api/auth/session")).status()).toBe(401);
  await tablet.dispose();
});
