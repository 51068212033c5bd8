import { expect, test, uniqueEmail } from "../fixtures";

// Runs twice: in the "browser" project (forms enhanced with JavaScript) and in "browser-no-js"
// (plain HTML posts and 303 redirects). The user sees the same thing either way.

test("sign up → dashboard → sign out → protected page → sign in returns to it", async ({ page }) => {
  const email = uniqueEmail("flow");
  const password = "a long and fine passphrase";

  await page.goto("/signup");
  await page.getByLabel("Name (optional)").fill("Flow Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL("/dashboard");
  await expect(page.getByRole("heading", { name: "Welcome, Flow Tester" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  await page.getByRole("button", { name: "Sign out of this device" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/dashboard?tab=profile");
  await expect(page).toHaveURL("/login?next=%2Fdashboard%3Ftab%3Dprofile");

  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/dashboard?tab=profile");
  await expect(page.getByRole("heading", { name: "Welcome, Flow Tester" })).toBeVisible();
});

test("a wrong password shows the one generic error", async ({ page, user }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid email or password");
  await expect(page).toHaveURL(/\/login/);
});

test("field errors are shown next to, and linked to, their inputs", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Please correct the fields below.");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription("Enter a valid email address.");
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/Use at least 8 characters\./);
});

test("the whole sign-in works from the keyboard alone", async ({ page, user }) => {
  await page.goto("/login");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(user.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(user.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/dashboard");
});

test("next never leads off-site", async ({ page, user }) => {
  await page.goto("/login?next=https%3A%2F%2Fevil.example%2Fphish");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/dashboard");
});

test("a crafted error link shows no attacker-chosen text", async ({ page }) => {
  await page.goto("/login?error=Your+account+is+locked.+Call+555-0100&f.email=Click+here");
  await expect(page.getByText("Your account is locked")).toHaveCount(0);
  await expect(page.getByText("Click here")).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
});

test("a signed-in user visiting /login lands on the dashboard", async ({ signedInPage: page }) => {
  await page.goto("/login");
  await expect(page).toHaveURL("/dashboard");
});
