import { randomBytes } from "node:crypto";
import { COOKIE, expect, query, sessionCookieOf, signIn, test } from "../fixtures";
import { startNextServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// What only the cookie strategy has: sealed cookies, secret rotation, revocation without rows.

const asCookie = (value: string) => ({ cookie: `${COOKIE}=${value}` });

test.describe("sealed cookies", () => {
  test("the cookie is an iron seal, and no session row is written", async ({ request, user }) => {
    const login = await request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
    expect(login).toSetSessionCookie();
    const seal = sessionCookieOf(login)!.value;
    expect(seal).toMatch(/^Fe26\.2\*/);
    expect(seal.length).toBeLessThan(4096);
    expect(seal).not.toContain(user.id);
    expect(await query('SELECT 1 FROM "Session" WHERE "userId" = $1', [user.id])).toHaveLength(0);
  });

  test("a tampered, truncated or foreign-secret cookie is refused", async ({ playwright, baseURL, request, user }) => {
    const seal = await signIn(request, user);
    const parts = seal.split("*");
    parts[4] = `${parts[4]!.slice(0, -2)}${parts[4]!.endsWith("AA") ? "BB" : "AA"}`;
    const { sealData } = await import("iron-session");
    const foreign = await sealData(
      { v: 1, sid: "x", uid: user.id, role: "admin", iat: Date.now(), exp: Date.now() + 1e6, abs: Date.now() + 1e6, ua: null, ip: null },
      { password: { 1: randomBytes(32).toString("hex") } },
    );
    const stranger = await playwright.request.newContext({ baseURL });
    for (const bad of [parts.join("*"), seal.slice(0, -12), foreign]) {
      expect((await stranger.get("/api/auth/session", { headers: asCookie(bad) })).status()).toBe(401);
      expect((await stranger.get("/dashboard", { headers: asCookie(bad), maxRedirects: 0 })).status()).toBe(307);
    }
    await stranger.dispose();
  });

  test("only the exact seal issued is accepted: a changed, removed or appended last character, or no ~2, gets 401", async ({ playwright, baseURL, request, user }) => {
    const seal = await signIn(request, user);
    const alterations: Record<string, string> = {
      "last character changed": `${seal.slice(0, -1)}3`,
      "last character removed": seal.slice(0, -1),
      "a character appended": `${seal}0`,
      "the ~2 suffix removed": seal.replace(/~2$/, ""),
    };
    const stranger = await playwright.request.newContext({ baseURL });
    const statuses: Record<string, number> = {};
    for (const [alteration, value] of Object.entries(alterations)) {
      expect(value).not.toBe(seal);
      statuses[alteration] = (await stranger.get("/api/auth/session", { headers: asCookie(value) })).status();
    }
    expect(statuses).toEqual(Object.fromEntries(Object.keys(alterations).map((alteration) => [alteration, 401])));
    expect((await stranger.get("/api/auth/session", { headers: asCookie(seal) })).status()).toBe(200);
    await stranger.dispose();
  });

  test("a cookie replayed after logout gets 401, and pages send it to a login page that renders", async ({ playwright, baseURL, request, user }) => {
    const seal = await signIn(request, user);
    expect((await request.post("/api/auth/logout")).status()).toBe(200);

    const attacker = await playwright.request.newContext({ baseURL });
    expect((await attacker.get("/api/auth/session", { headers: asCookie(seal) })).status()).toBe(401);
    // The seal is still well-formed, so the proxy (no I/O) lets it through; the data-access
    // function refuses it, and /login checks revocation instead of bouncing back (no loop).
    const page = await attacker.get("/dashboard", { headers: asCookie(seal), maxRedirects: 0 });
    expect(page.status()).toBe(307);
    expect(page.headers().location).toMatch(/^\/login/);
    const login = await attacker.get("/login", { headers: asCookie(seal), maxRedirects: 0 });
    expect(login.status()).toBe(200);
    expect(login).toClearSessionCookie();
    await attacker.dispose();
  });

  test("the sessions list says honestly that it can show only this device", async ({ playwright, baseURL, request, user }) => {
    const phone = await playwright.request.newContext({ baseURL });
    await signIn(phone, user);
    await signIn(request, user);
    const list = await (await request.get("/api/auth/sessions")).json();
    expect(list.listsAllSessions).toBe(false);
    expect(list.sessions).toHaveLength(1);
    expect(list.sessions[0]).toMatchObject({ id: list.current, current: true });
    await phone.dispose();
  });

  test("a fresh login revokes the cookie the browser held (no fixation)", async ({ playwright, baseURL, request, user }) => {
    const credentials = { data: { email: user.email, password: user.password } };
    const first = sessionCookieOf(await request.post("/api/auth/login", credentials))!.value;
    await request.post("/api/auth/login", credentials);
    const attacker = await playwright.request.newContext({ baseURL });
    expect((await attacker.get("/api/auth/session", { headers: asCookie(first) })).status()).toBe(401);
    await attacker.dispose();
  });
});

test.describe("secret rotation across restarts", () => {
  test.describe.configure({ mode: "serial" });

  test("old secret still unseals and is re-sealed with the new one; once dropped, it is refused", async ({ playwright, request, user }) => {
    const oldSecret = readTestEnv("secret");
    const newSecret = randomBytes(32).toString("base64url");
    const databaseUrl = readTestEnv("databaseUrl");
    const oldSeal = await signIn(request, user);

    const rotated = await startNextServer(serverEnv(databaseUrl, `${newSecret},${oldSecret}`, "5"));
    let newSeal: string;
    try {
      const client = await playwright.request.newContext({ baseURL: rotated.url });
      const response = await client.get("/api/auth/session", { headers: asCookie(oldSeal) });
      expect(response.status()).toBe(200);
      expect((await response.json()).user.id).toBe(user.id);
      expect(response).toSetSessionCookie();
      newSeal = sessionCookieOf(response)!.value;
      expect(newSeal.split("*")[1]).not.toBe(oldSeal.split("*")[1]);
      await client.dispose();
    } finally {
      await rotated.stop();
    }

    const dropped = await startNextServer(serverEnv(databaseUrl, newSecret, "5"));
    try {
      const client = await playwright.request.newContext({ baseURL: dropped.url });
      expect((await client.get("/api/auth/session", { headers: asCookie(oldSeal) })).status()).toBe(401);
      expect((await client.get("/api/auth/session", { headers: asCookie(newSeal) })).status()).toBe(200);
      await client.dispose();
    } finally {
      await dropped.stop();
    }
  });

  test("with the database unreachable, a valid seal lets nobody in", async ({ playwright, request, user }) => {
    const seal = await signIn(request, user);
    const down = await startNextServer(serverEnv("postgresql://postgres@127.0.0.1:9/none", readTestEnv("secret"), "5"));
    try {
      const client = await playwright.request.newContext({ baseURL: down.url });
      const api = await client.get("/api/auth/session", { headers: asCookie(seal) });
      expect(api.status()).toBe(503);
      const page = await client.get("/dashboard", { headers: asCookie(seal), maxRedirects: 0 });
      // SPEC §3: the same 503 page as the database strategy's outage, not a crashed render.
      expect(page.status()).toBe(503);
      expect(page.headers()["retry-after"]).toBe("5");
      expect(await page.text()).not.toContain(user.email);
      await client.dispose();
    } finally {
      await down.stop();
    }
  });
});
