import { expect, test } from "../fixtures";
import { enableTwoFactor, totpCode } from "./two-factor-helpers";

// The one part of the two-factor pages that needs JavaScript: copying the recovery codes.
test("the copy button puts the recovery codes on the clipboard", async ({ signedInPage: page, user, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { secret } = await enableTwoFactor(page.request, user);
  await page.goto("/settings/two-factor");
  await page.getByLabel("Code from your authenticator app").fill(await totpCode(secret));
  await page.getByRole("button", { name: "Make new recovery codes" }).click();
  await expect(page).toHaveURL("/settings/two-factor/recovery-codes");
  const codes = await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);

  await page.getByRole("button", { name: "Copy codes" }).click();
  await expect(page.getByText("Copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));
});
