import { COOKIE, expect, test } from "../fixtures";

// Issue 12 item 9, as a user sees it. Runs in "browser" (the form posts JSON) and in
// "browser-no-js" (a plain HTML post, where an unticked box would send nothing at all).

for (const ticked of [true, false]) {
  test(`"Remember me" ${ticked ? "ticked (the default)" : "unticked"} → a ${ticked ? "persistent" : "browser-session"} cookie`, async ({ page, user }) => {
    await page.goto("/login");
    const remember = page.getByRole("checkbox", { name: "Remember me" });
    await expect(remember).toBeChecked();
    await expect(remember).toHaveAccessibleDescription(/browser forgets you when it closes/);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await remember.setChecked(ticked);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL("/dashboard");

    const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE);
    expect(cookie, `a ${COOKIE} cookie`).toBeDefined();
    if (ticked) {
      // Kept until the session's absolute lifetime (30 days on the test server): well past a day.
      expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000 + 86_400);
    } else {
      // -1: a session cookie, dropped when the browser ends its session.
      expect(cookie!.expires).toBe(-1);
    }
    await page.reload();
    await expect(page).toHaveURL("/dashboard");
  });
}
