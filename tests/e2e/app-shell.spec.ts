import type { Page } from "@playwright/test";
import { expect, signIn, test } from "../fixtures";

// Issue 12, in a real browser with and without JavaScript: the proxy's 403 page is styled and
// headed like the app, and pages show the app's icon.

/** The header's entries as a browser's accessibility tree has them, and how the page is styled. */
async function shellOf(page: Page) {
  const nav = page.getByRole("navigation", { name: "Account" });
  const links = await nav.getByRole("link").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  const buttons = await nav.getByRole("button").allTextContents();
  const style = await page.locator("body").evaluate((body) => {
    const header = getComputedStyle(body.querySelector("header")!);
    return { font: getComputedStyle(body).fontFamily, background: getComputedStyle(body).backgroundColor, header: [header.display, header.backgroundColor, header.borderBottom] };
  });
  return { links, buttons, style };
}

test("a user without the role sees the 403 page in the app's shell, and can sign out from it", async ({ signedInPage: page }) => {
  await page.goto("/dashboard");
  const app = await shellOf(page);
  expect(app.style.font).toContain("system-ui");

  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page).toHaveTitle("403: not allowed · Cloakroom");
  await expect(page.getByRole("main").getByRole("heading", { name: "403: not allowed" })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Cloakroom" })).toBeVisible();
  expect(await shellOf(page)).toEqual(app);

  await page.getByRole("link", { name: "Back to your dashboard" }).click();
  await expect(page).toHaveURL("/dashboard");
  await page.goto("/admin");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard/);
});

test("pages link the SVG icon, and the browser loads it", async ({ page, user }) => {
  // Any request for /favicon.ico (a browser's fallback when a page links no icon) fails the test.
  const icons: Array<{ path: string; status: number; type?: string }> = [];
  page.on("response", (response) => {
    const { pathname } = new URL(response.url());
    if (pathname === "/icon.svg" || pathname === "/favicon.ico") {
      icons.push({ path: pathname, status: response.status(), type: response.headers()["content-type"] });
    }
  });
  const expectIconLink = async (path: string) => {
    await page.goto(path);
    const link = page.locator('head link[rel="icon"]');
    await expect(link, path).toHaveAttribute("type", "image/svg+xml");
    await expect(link, path).toHaveAttribute("href", /^\/icon\.svg(\?|$)/);
  };

  await expectIconLink("/login");
  await signIn(page.request, user);
  await expectIconLink("/dashboard");
  await expectIconLink("/admin");
  await expect.poll(() => icons.length).toBeGreaterThan(0);
  expect(icons.every(({ path, status, type }) => path === "/icon.svg" && status === 200 && type === "image/svg+xml"), JSON.stringify(icons)).toBe(true);
});
