import type { Page } from "@playwright/test";
import { createUser, expect, query, setCookies, signIn, test, type TestUser } from "../fixtures";
import { enableTwoFactor, pendingSignIn, previousStepCode, signedInDevice, totpCode, wrongCode } from "./two-factor-helpers";

// Issue 14 / SPEC §8 in the browser, with and without JavaScript (both projects run this file).
// A TOTP code is accepted once and only after the last accepted step, so no test needs more than
// two: enrolment confirms with the previous step's code (one step of drift back is allowed) and
// the next use takes the current step's. Anything else uses recovery codes.

async function signInWithPassword(page: Page, user: TestUser, path = "/login") {
  await page.goto(path);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/");
}

async function recoveryCodesOnPage(page: Page): Promise<string[]> {
  return page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents();
}

test("enrol from the page, see the codes once, then sign in with a code and keep next", async ({ signedInPage: page, user, javaScriptEnabled }) => {
  await page.goto("/settings/two-factor");
  await expect(page.getByRole("main")).toContainText("Two-factor authentication is off.");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByRole("button", { name: "Set up two-factor" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Your current password is not correct.");

  await page.getByLabel("Current password").fill(user.password);
  await page.getByRole("button", { name: "Set up two-factor" }).click();
  await expect(page).toHaveURL("/settings/two-factor");
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  const grouped = (await page.getByLabel("Can't scan it? Enter this setup key instead").textContent()) ?? "";
  expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  const secret = grouped.replaceAll(" ", "");
  await expect(page.getByRole("link", { name: "Open it in your authenticator app" })).toHaveAttribute("href", new RegExp(`^otpauth://totp/.*secret=${secret}`));

  await page.getByLabel("Code from your authenticator app").fill(await wrongCode(secret));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toBeVisible();
  await expect(page.getByLabel("Can't scan it? Enter this setup key instead")).toHaveText(grouped);

  const enrolmentCode = await previousStepCode(secret);
  await page.getByLabel("Code from your authenticator app").fill(enrolmentCode);
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page).toHaveURL("/settings/two-factor/recovery-codes");
  await expect(page.getByRole("status").first()).toContainText("they will not be shown again");
  const codes = await recoveryCodesOnPage(page);
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  const download = page.getByRole("link", { name: "Download as text" });
  await expect(download).toHaveAttribute("download", "cloakroom-recovery-codes.txt");
  const file = decodeURIComponent(((await download.getAttribute("href")) ?? "").replace(/^data:text\/plain;charset=utf-8,/, ""));
  for (const code of codes) expect(file).toContain(code);
  // The copy button needs the clipboard API: without JavaScript there is no button that does nothing.
  await expect(page.getByRole("button", { name: "Copy codes" })).toHaveCount(javaScriptEnabled ? 1 : 0);

  await page.reload();
  await expect(page.getByRole("list", { name: "Recovery codes" })).toHaveCount(0);
  await expect(page.getByRole("main")).toContainText("Recovery codes are shown only once");
  for (const code of codes) await expect(page.getByRole("main")).not.toContainText(code);

  await page.goto("/settings/two-factor");
  await expect(page.getByRole("main")).toContainText("Two-factor authentication is on.");
  await expect(page.getByRole("main")).toContainText("10 recovery codes left.");
  await page.goto("/dashboard");
  await expect(page.getByRole("definition").filter({ hasText: "On ·" })).toContainText("10 recovery codes left.");

  await signOut(page);
  await page.goto("/settings/sessions");
  await expect(page).toHaveURL("/login?next=%2Fsettings%2Fsessions");
  await signInWithPassword(page, user, page.url());
  await expect(page).toHaveURL("/login/verify?next=%2Fsettings%2Fsessions");
  // Not signed in yet: the pending challenge is no session.
  expect((await page.request.get("/api/auth/session")).status()).toBe(401);

  // The code that confirmed enrolment was used: the same code again is refused (SPEC §8).
  await page.getByLabel("Code from your authenticator app").fill(enrolmentCode);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/login\/verify/);

  await page.getByLabel("Code from your authenticator app").fill(await totpCode(secret));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL("/settings/sessions");
  await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
});

test("sign in with a recovery code, which then works no more", async ({ page, user }) => {
  await signIn(page.request, user);
  const { recoveryCodes } = await enableTwoFactor(page.request, user);
  await page.request.post("/api/auth/logout");

  await signInWithPassword(page, user, "/login?next=%2Fsettings%2Fpassword");
  await expect(page).toHaveURL("/login/verify?next=%2Fsettings%2Fpassword");
  await page.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await expect(page).toHaveURL("/login/verify?method=recovery&next=%2Fsettings%2Fpassword");
  await expect(page.getByRole("link", { name: "Use a code from your authenticator app instead" })).toHaveAttribute(
    "href",
    "/login/verify?next=%2Fsettings%2Fpassword",
  );
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL("/settings/password");

  await page.goto("/dashboard");
  await expect(page.getByRole("definition").filter({ hasText: "On ·" })).toContainText("9 recovery codes left.");

  await signOut(page);
  await signInWithPassword(page, user);
  await page.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("That code is not correct, or it has already been used.");
  // Back on the recovery form (without JavaScript too: the route keeps `method`).
  await expect(page).toHaveURL(/\/login\/verify\?.*method=recovery/);
  await expect(page.getByLabel("Recovery code")).toBeVisible();
  expect((await page.request.get("/api/auth/session")).status()).toBe(401);
});

test("new recovery codes take a current code and replace the old set", async ({ signedInPage: page, user, baseURL }) => {
  const { secret, recoveryCodes: old } = await enableTwoFactor(page.request, user);
  await page.goto("/settings/two-factor");
  await page.getByLabel("Code from your authenticator app").fill(await totpCode(secret));
  await page.getByRole("button", { name: "Make new recovery codes" }).click();
  await expect(page).toHaveURL("/settings/two-factor/recovery-codes");
  const fresh = await recoveryCodesOnPage(page);
  expect(fresh).toHaveLength(10);
  expect(fresh.filter((code) => old.includes(code))).toEqual([]);

  // An old code is dead, a new one works, on a device of its own.
  const other = await pendingSignIn(baseURL!, user);
  expect((await other.post("/api/auth/mfa/verify", { data: { recoveryCode: old[1] } })).status()).toBe(401);
  expect((await other.post("/api/auth/mfa/verify", { data: { recoveryCode: fresh[1] } })).status()).toBe(200);
  await other.dispose();
});

test("turning two-factor off takes the password and a code, and the dashboard says it is off", async ({ signedInPage: page, user }) => {
  const { recoveryCodes } = await enableTwoFactor(page.request, user);
  await page.goto("/settings/two-factor");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("Authenticator code or recovery code").fill(recoveryCodes[2]!);
  await page.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Your current password is not correct.");

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("Authenticator code or recovery code").fill(recoveryCodes[2]!);
  await page.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(page).toHaveURL("/settings/two-factor?notice=two-factor-disabled");
  await expect(page.getByRole("status")).toBeVisible();
  await expect(page.getByRole("main")).toContainText("Two-factor authentication is off.");
  await page.goto("/dashboard");
  await expect(page.getByRole("definition").filter({ hasText: "Off ·" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Turn on two-factor" })).toHaveAttribute("href", "/settings/two-factor");

  const login = await page.request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  expect(await login.json()).toMatchObject({ user: { email: user.email } });
});

test("the dashboard warns when few recovery codes are left", async ({ page, user, baseURL }) => {
  await signIn(page.request, user);
  const { recoveryCodes } = await enableTwoFactor(page.request, user);
  // Seven codes spent, each on a sign-in of its own; the page's own sign-in spends the last of them
  // (new sign-ins may evict the oldest session, MAX_SESSIONS_PER_USER).
  for (const code of recoveryCodes.slice(0, 6)) {
    const other = await pendingSignIn(baseURL!, user);
    expect((await other.post("/api/auth/mfa/verify", { data: { recoveryCode: code } })).status()).toBe(200);
    await other.dispose();
  }
  const login = await page.request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  expect(await login.json()).toEqual({ mfaRequired: true });
  expect((await page.request.post("/api/auth/mfa/verify", { data: { recoveryCode: recoveryCodes[6] } })).status()).toBe(200);

  await page.goto("/dashboard");
  const state = page.getByRole("definition").filter({ hasText: "On ·" });
  await expect(state).toContainText("Only 3 recovery codes left. Make new ones soon.");
  await expect(state.getByRole("link", { name: "Make new recovery codes" })).toHaveAttribute("href", "/settings/two-factor");
  await page.goto("/settings/two-factor");
  await expect(page.getByRole("main")).toContainText("Only 3 recovery codes left.");
});

test("an admin sees a user's two-factor and turns it off", async ({ page, baseURL }) => {
  const admin = await createUser(baseURL!);
  await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
  const member = await createUser(baseURL!);
  const memberDevice = await signedInDevice(baseURL!, member);
  await enableTwoFactor(memberDevice, member);

  await signIn(page.request, admin);
  await page.goto(`/admin/users/${member.id}`);
  await expect(page.getByRole("main")).toContainText("On · 10 recovery codes left");
  await page.getByRole("button", { name: `Turn off two-factor for ${member.email}` }).click();
  await expect(page).toHaveURL(`/admin/users/${member.id}?notice=two-factor-disabled`);
  await expect(page.getByRole("status")).toBeVisible();
  await expect(page.getByRole("button", { name: /Turn off two-factor/ })).toHaveCount(0);
  await expect(page.getByText("Off", { exact: true })).toBeVisible();

  // The member signs in with the password alone again.
  const login = await memberDevice.post("/api/auth/login", { data: { email: member.email, password: member.password } });
  expect(await login.json()).toMatchObject({ user: { email: member.email } });

  // Their own account offers no admin reset (it would skip the password and code), only the settings page.
  await enableTwoFactor(page.request, admin);
  await page.goto(`/admin/users/${admin.id}`);
  await expect(page.getByRole("main")).toContainText("On · 10 recovery codes left");
  await expect(page.getByRole("button", { name: /Turn off two-factor/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Settings → Two-factor" })).toHaveAttribute("href", "/settings/two-factor");
  await memberDevice.dispose();
  await query('DELETE FROM "User" WHERE id = ANY($1)', [[admin.id, member.id]]);
});

test("without a pending sign-in, /login/verify says it expired and links to the login page", async ({ page }) => {
  await page.goto("/login/verify?next=%2Fsettings%2Femail");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This sign-in has expired");
  await expect(page.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", "/login?next=%2Fsettings%2Femail");
  await expect(page.getByLabel("Code from your authenticator app")).toHaveCount(0);
});

test("an unsafe next is not kept on the verify page", async ({ page, user }) => {
  await signIn(page.request, user);
  await enableTwoFactor(page.request, user);
  await page.request.post("/api/auth/logout");
  await signInWithPassword(page, user, "/login?next=%2F%2Fevil.example%2F");
  await expect(page).toHaveURL("/login/verify?next=%2Fdashboard");
});

test("the codes reach their page once, and a forged flash header shows them nowhere", async ({ signedInPage: page, user }) => {
  const setup = await page.request.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } });
  const { secret } = (await setup.json()) as { secret: string };
  const enable = await page.request.post("/api/auth/mfa/totp/enable", { form: { code: await previousStepCode(secret) }, maxRedirects: 0 });
  expect(enable.status()).toBe(303);
  const flash = setCookies(enable).find((cookie) => cookie.name.endsWith("mfa-codes"));
  expect(flash?.value).toBeTruthy();

  await page.goto("/settings/two-factor/recovery-codes");
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  // proxy.ts hands the page the flash on a request header; one sent by the client is dropped.
  const forged = await page.request.get("/settings/two-factor/recovery-codes", { headers: { "x-recovery-codes-flash": flash!.value } });
  expect(await forged.text()).toContain("Recovery codes are shown only once");
});
