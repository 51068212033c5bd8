import { createUser, expect, query, signIn, test } from "../fixtures";

test("an admin manages roles from the admin page", async ({ page, baseURL }) => {
  const admin = await createUser(baseURL!, { name: "Ada Admin" });
  await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
  const member = await createUser(baseURL!);
  await signIn(page.request, admin);

  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: member.email });
  await expect(row.getByRole("cell").first()).toHaveText("user");
  await row.getByRole("button", { name: `Make admin ${member.email}` }).click();
  await expect(page).toHaveURL("/admin?notice=role-changed");
  await expect(page.getByRole("status")).toHaveText("Role changed. That user's sessions have been ended.");
  await expect(page.getByRole("row").filter({ hasText: member.email }).getByRole("cell").first()).toHaveText("admin");
});

test("a user who opens /admin sees the 403 page", async ({ signedInPage: page }) => {
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "403: not allowed" })).toBeVisible();
});
