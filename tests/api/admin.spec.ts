import { createUser, expect, query, signIn, test, type TestUser } from "../fixtures";
import { waitForMail } from "../support/mailbox";

async function makeAdmin(baseURL: string): Promise<TestUser> {
  const admin = await createUser(baseURL);
  await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
  return admin;
}

test.describe("admin area", () => {
  test("signed out: redirect and 401", async ({ request }) => {
    expect((await request.get("/admin", { maxRedirects: 0 })).status()).toBe(307);
    expect((await request.post("/api/admin/users/x/role", { data: { role: "admin" } })).status()).toBe(401);
  });

  test("a user gets a 403 page and 403 JSON, not a redirect loop", async ({ request, user }) => {
    await signIn(request, user);
    const page = await request.get("/admin", { maxRedirects: 0 });
    expect(page.status()).toBe(403);
    expect(await page.text()).toContain("403: not allowed");
    const api = await request.post(`/api/admin/users/${user.id}/role`, { data: { role: "admin" } });
    expect(api.status()).toBe(403);
    expect(await api.json()).toEqual({ error: "Forbidden" });
    expect((await query<{ role: string }>('SELECT role FROM "User" WHERE id = $1', [user.id]))[0]!.role).toBe("USER");
  });

  test("an admin sees the users and can end all of a user's sessions", async ({ playwright, baseURL, request, user }) => {
    const admin = await makeAdmin(baseURL!);
    await signIn(request, admin);
    const page = await request.get("/admin");
    expect(page.status()).toBe(200);
    expect(await page.text()).toContain(user.email);

    const victim = await playwright.request.newContext({ baseURL });
    await signIn(victim, user);
    expect((await request.post(`/api/admin/users/${user.id}/logout-all`)).status()).toBe(200);
    expect((await victim.get("/api/auth/session")).status()).toBe(401);
    expect((await request.post("/api/admin/users/no-such-user/logout-all")).status()).toBe(404);
    await victim.dispose();
  });

  test("a role change ends the user's sessions; the new role comes with a fresh login", async ({ playwright, baseURL, request, user }) => {
    const admin = await makeAdmin(baseURL!);
    await signIn(request, admin);
    const target = await playwright.request.newContext({ baseURL });
    await signIn(target, user);
    const before = (await (await target.get("/api/auth/session")).json()).session.id;

    const since = Date.now();
    const response = await request.post(`/api/admin/users/${user.id}/role`, { data: { role: "admin" } });
    expect(response.status()).toBe(200);
    expect((await response.json()).user).toMatchObject({ id: user.id, role: "admin" });
    expect((await target.get("/api/auth/session")).status()).toBe(401);
    // The owner is told (SPEC §7 notices).
    const notice = await waitForMail(user.email, { since, subject: /role was changed/ });
    expect(notice.text).toContain("admin");

    await signIn(target, user);
    const after = await (await target.get("/api/auth/session")).json();
    expect(after.user.role).toBe("admin");
    expect(after.session.id).not.toBe(before);
    expect((await target.get("/admin")).status()).toBe(200);
    await target.dispose();
  });

  test("bad input: unknown role 400, unknown user 404", async ({ baseURL, request, user }) => {
    const admin = await makeAdmin(baseURL!);
    await signIn(request, admin);
    expect((await request.post(`/api/admin/users/${user.id}/role`, { data: { role: "root" } })).status()).toBe(400);
    expect((await request.post("/api/admin/users/nobody/role", { data: { role: "admin" } })).status()).toBe(404);
  });

  test("an admin who demotes themselves (another admin remains) is signed out", async ({ baseURL, request }) => {
    await makeAdmin(baseURL!);
    const admin = await makeAdmin(baseURL!);
    await signIn(request, admin);
    const response = await request.post(`/api/admin/users/${admin.id}/role`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      data: "role=user",
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe("/login");
    expect((await request.get("/api/auth/session")).status()).toBe(401);
  });
});
