import { randomUUID } from "node:crypto";
import { createUser, expect, query, sessionCookieOf, signIn, test, uniqueEmail } from "../fixtures";
import { linkIn, waitForMail } from "../support/mailbox";

type EventRow = { type: string; ip: string | null; userAgent: string | null; detail: unknown };
const eventsOf = (userId: string) =>
  query<EventRow>('SELECT type, ip, "userAgent", detail FROM "AuthEvent" WHERE "userId" = $1 ORDER BY "createdAt", id', [userId]);

test.describe("audit log", () => {
  test("each action of a user is recorded, with user agent and no secrets", async ({ playwright, baseURL, request }) => {
    const userAgent = `AuditTest/${randomUUID()}`;
    const context = await playwright.request.newContext({ baseURL, userAgent });
    const email = uniqueEmail("audit");
    const password = `pw-${randomUUID()}`;
    const signup = await context.post("/api/auth/signup", { data: { email, password } });
    const { user } = await signup.json();
    // The mailed links (SPEC §7). Verification first: a password change kills links already out.
    const tokenIn = async (subject: RegExp, pathname: string) =>
      new URL(linkIn(await waitForMail(email, { subject }), pathname)).searchParams.get("token")!;
    const verifyToken = await tokenIn(/^Verify your email/, "/verify-email");
    expect((await context.post("/api/auth/email/verify", { data: { token: verifyToken } })).status()).toBe(200);
    await context.post("/api/auth/login", { data: { email, password: "wrong password" } });
    const login = await context.post("/api/auth/login", { data: { email, password } });
    await context.post("/api/auth/password", { data: { currentPassword: password, newPassword: "a new audited passphrase" } });
    await context.post("/api/auth/logout-all", { data: { keepCurrent: true } });
    await context.post("/api/auth/logout");
    expect((await context.post("/api/auth/password/forgot", { data: { email } })).status()).toBe(200);
    const resetToken = await tokenIn(/^Reset your/, "/reset-password");
    expect((await context.post("/api/auth/password/reset", { data: { token: resetToken, newPassword: "a reset audited passphrase" } })).status()).toBe(200);

    const events = await eventsOf(user.id);
    expect(events.map((e) => e.type)).toEqual([
      "SIGNUP",
      "EMAIL_VERIFICATION_SENT",
      "EMAIL_VERIFIED",
      "LOGIN_FAILURE",
      "LOGIN_SUCCESS",
      "PASSWORD_CHANGED",
      "LOGOUT_ALL",
      "LOGOUT",
      "PASSWORD_RESET_REQUESTED",
      "PASSWORD_RESET",
    ]);
    for (const event of events) expect(event.userAgent).toBe(userAgent);
    const stored = JSON.stringify(events);
    const secrets = [password, "a new audited passphrase", "a reset audited passphrase", verifyToken, resetToken];
    for (const secret of [...secrets, sessionCookieOf(signup)!.value, sessionCookieOf(login)!.value]) {
      expect(stored).not.toContain(secret);
    }
    await context.dispose();
    expect((await request.get("/api/auth/session")).status()).toBe(401);
  });

  test("a failed login for an unknown email is recorded without an account", async ({ playwright, baseURL }) => {
    const marker = `UnknownEmail/${randomUUID()}`;
    const context = await playwright.request.newContext({ baseURL, userAgent: marker });
    expect((await context.post("/api/auth/login", { data: { email: uniqueEmail("ghost"), password: "whatever it is" } })).status()).toBe(401);
    const rows = await query<{ type: string; userId: string | null }>('SELECT type, "userId" FROM "AuthEvent" WHERE "userAgent" = $1', [marker]);
    expect(rows).toEqual([{ type: "LOGIN_FAILURE", userId: null }]);
    await context.dispose();
  });

  test("an admin's role change and session ending are recorded on the target, with who did it", async ({ baseURL, request, user }) => {
    const admin = await createUser(baseURL!);
    await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
    await signIn(request, admin);
    await request.post(`/api/admin/users/${user.id}/logout-all`);
    await request.post(`/api/admin/users/${user.id}/role`, { data: { role: "admin" } });
    const events = (await eventsOf(user.id)).slice(-2);
    expect(events).toMatchObject([
      { type: "LOGOUT_ALL", detail: { by: admin.id, scope: "admin" } },
      { type: "ROLE_CHANGED", detail: { by: admin.id, role: "admin" } },
    ]);
    const page = await request.get(`/admin/users/${user.id}`);
    expect(page.status()).toBe(200);
    const html = await page.text();
    expect(html).toContain("Role changed");
    expect(html).toContain("Signed out everywhere");
  });

  test("a user's own activity page shows their events; another user's admin page is 403", async ({ request, user }) => {
    await request.post("/api/auth/login", { data: { email: user.email, password: "not my password" } });
    await signIn(request, user);
    const page = await request.get("/settings/activity");
    expect(page.status()).toBe(200);
    const html = await page.text();
    expect(html).toContain("Failed sign-in attempt");
    expect(html).toContain("Signed in");
    expect((await request.get(`/admin/users/${user.id}`, { maxRedirects: 0 })).status()).toBe(403);
  });
});
