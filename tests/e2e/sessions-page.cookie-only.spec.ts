import { expect, test } from "../fixtures";

test("under sealed cookies the sessions page says it can list only this device", async ({ signedInPage: page }) => {
  await page.goto("/settings/sessions");
  await expect(page.getByText("only this device can be listed")).toBeVisible();
  await expect(page.getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Sign out everywhere else" })).toBeVisible();
});
