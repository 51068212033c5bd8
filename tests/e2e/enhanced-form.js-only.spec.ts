import { expect, test } from "../fixtures";

// Behaviour that only exists with JavaScript: the "browser-no-js" project ignores this file.

test("the submit button shows a pending state while the request is in flight", async ({ page, user }) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/auth/login*", async (route) => {
    await gate;
    await route.continue();
  });

  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  const pending = page.getByRole("button", { name: "Signing in…" });
  await expect(pending).toBeDisabled();
  release();
  await expect(page).toHaveURL("/dashboard");
});

test("errors appear inline without a page load, keeping what was typed", async ({ page, user }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("wrong password");
  const navigations: string[] = [];
  page.on("framenavigated", (frame) => navigations.push(frame.url()));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid email or password");
  expect(navigations).toEqual([]);
  await expect(page.getByLabel("Email")).toHaveValue(user.email);
});
