import { expect, type Page } from "@playwright/test";

// Issue 12: at a phone's width no page scrolls sideways, and the whole header stays reachable.
// One check for tests/e2e/mobile.spec.ts (next start) and the dev outbox in next-dev.js-only.spec.ts.

export const PHONE = { width: 390, height: 844 } as const;

export const SIGNED_OUT_NAV = ["Sign in", "Create account"];
export const SIGNED_IN_NAV = ["Dashboard", "Sessions", "Password", "Email", "Two-factor", "Activity", "Sign out"];
export const ADMIN_NAV = ["Dashboard", "Sessions", "Password", "Email", "Two-factor", "Activity", "Admin", "Sign out"];

/** The page is no wider than the phone's screen, and each of the nav's entries is on screen. */
export async function expectFitsWithNav(page: Page, path: string, nav: string[]) {
  // With isMobile, a page that overflows makes the browser zoom out and widen innerWidth (as a
  // phone does), so innerWidth is checked too: 390 means nothing overflowed and the page has
  // its <meta name="viewport">.
  const size = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(size.innerWidth, `${path}: the viewport`).toBe(PHONE.width);
  expect(size.scrollWidth, `${path} is ${size.scrollWidth} px wide`).toBeLessThanOrEqual(size.innerWidth);

  await expect(page.getByRole("banner").getByRole("link", { name: "Cloakroom" })).toBeVisible();
  const entries = page.getByRole("navigation", { name: "Account" }).locator("a, button");
  await expect(entries, `${path}: the nav's entries`).toHaveText(nav);
  for (const entry of await entries.all()) {
    const name = await entry.textContent();
    await expect(entry, `${path}: ${name}`).toBeVisible();
    const box = (await entry.boundingBox())!;
    expect(box.x, `${path}: ${name} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${path}: ${name} ends on screen`).toBeLessThanOrEqual(PHONE.width);
  }
}
