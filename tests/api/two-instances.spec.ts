import { COOKIE, createUser, expect, query, signIn, test } from "../fixtures";
import { send, statusOf } from "../support/plain-http";
import { startNextServer, type RunningServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Two instances of the app on one database, as behind a load balancer. Each keeps an in-process
// cache of sessions (lib/session/cache.ts); a revocation made through one must hold on the other
// within one second (and on the first at once), whatever kind of revocation it is. Plain fetch:
// no cookie jar, every request carries exactly the cookie named.

const WITHIN_MS = 1000;

let other: RunningServer;

test.beforeAll(async () => {
  other = await startNextServer(serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), readTestEnv("maxSessions")));
});

test.afterAll(async () => {
  await other?.stop();
});

const sessionStatus = (baseURL: string, cookie: string) => statusOf(`${baseURL}/api/auth/session`, cookie);

/** Both instances have served each session, so both hold it in their caches. */
async function warm(baseURL: string, cookies: string[]) {
  for (const cookie of cookies) {
    for (const url of [baseURL, other.url]) {
      for (let i = 0; i < 3; i++) expect(await sessionStatus(url, cookie)).toBe(200);
    }
  }
}

/**
 * `revoke` has been answered (or has committed): the instance that made it refuses at once, and
 * the other instance refuses any request that reaches it one second later.
 */
async function expectRevokedEverywhere(baseURL: string, cookies: string[], revoke: () => Promise<void>, options = { sameInstanceAtOnce: true }) {
  await revoke();
  const doneAt = Date.now();
  if (options.sameInstanceAtOnce) for (const cookie of cookies) expect(await sessionStatus(baseURL, cookie)).toBe(401);
  const wait = doneAt + WITHIN_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  for (const url of [baseURL, other.url]) for (const cookie of cookies) expect(await sessionStatus(url, cookie)).toBe(401);
}

async function signedInAdmin(baseURL: string): Promise<string> {
  const admin = await createUser(baseURL);
  await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
  return signIn(baseURL, admin);
}

test.describe("revocation across two instances", () => {
  test("logout", async ({ baseURL, user }) => {
    const cookie = await signIn(baseURL!, user);
    await warm(baseURL!, [cookie]);
    await expectRevokedEverywhere(baseURL!, [cookie], async () => {
      expect((await send(`${baseURL}/api/auth/logout`, cookie, { method: "POST" })).status).toBe(200);
    });
  });

  test("logout everywhere", async ({ baseURL, user }) => {
    const cookies = [await signIn(baseURL!, user), await signIn(baseURL!, user)];
    await warm(baseURL!, cookies);
    await expectRevokedEverywhere(baseURL!, cookies, async () => {
      expect((await send(`${baseURL}/api/auth/logout-all`, cookies[0]!, { method: "POST" })).status).toBe(200);
    });
  });

  test("password change (the device that made it gets a new session; the old cookies die)", async ({ baseURL, user }) => {
    const cookies = [await signIn(baseURL!, user), await signIn(baseURL!, user)];
    await warm(baseURL!, cookies);
    await expectRevokedEverywhere(baseURL!, cookies, async () => {
      const body = { currentPassword: user.password, newPassword: "another long passphrase" };
      expect((await send(`${baseURL}/api/auth/password`, cookies[0]!, { method: "POST", body })).status).toBe(200);
    });
  });

  test("role change (no instance goes on serving the old role)", async ({ baseURL, user }) => {
    const adminCookie = await signedInAdmin(baseURL!);
    const cookie = await signIn(baseURL!, user);
    await warm(baseURL!, [cookie]);
    await expectRevokedEverywhere(baseURL!, [cookie], async () => {
      const response = await send(`${baseURL}/api/admin/users/${user.id}/role`, adminCookie, { method: "POST", body: { role: "admin" } });
      expect(response.status).toBe(200);
    });
  });

  test("an admin ending a user's sessions", async ({ baseURL, user }) => {
    const adminCookie = await signedInAdmin(baseURL!);
    const cookie = await signIn(baseURL!, user);
    await warm(baseURL!, [cookie]);
    await expectRevokedEverywhere(baseURL!, [cookie], async () => {
      expect((await send(`${baseURL}/api/admin/users/${user.id}/logout-all`, adminCookie, { method: "POST" })).status).toBe(200);
    });
  });

  test("a password change on one instance: the new session works on the other at once", async ({ baseURL, user }) => {
    const cookie = await signIn(baseURL!, user);
    // The other instance has served this user: it holds their row from before the change.
    await warm(baseURL!, [cookie]);
    const body = { currentPassword: user.password, newPassword: "another long passphrase" };
    const response = await send(`${baseURL}/api/auth/password`, cookie, { method: "POST", body });
    expect(response.status).toBe(200);
    const renewed = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .find((c) => c.startsWith(`${COOKIE}=`) && c.length > COOKIE.length + 1)
      ?.slice(COOKIE.length + 1);
    expect(renewed, "the device that changed the password gets a new session").toBeTruthy();
    // Straight away, before any cache on the other instance could have caught up: a cached row
    // of the old generation must not end (nor refuse) the session of the new one.
    for (let i = 0; i < 3; i++) expect(await sessionStatus(other.url, renewed!)).toBe(200);
    expect(await sessionStatus(baseURL!, renewed!)).toBe(200);
    // The old cookie: under redis the change deleted its session in Redis itself, so every
    // instance refuses it at once; the others promise it within the second (the "password change"
    // test checks that).
    if (process.env.SESSION_STRATEGY === "redis") expect(await sessionStatus(other.url, cookie)).toBe(401);
  });

  test("a revocation typed by hand into the database (the triggers log what the app did not do)", async ({ baseURL, user }) => {
    const cookie = await signIn(baseURL!, user);
    await warm(baseURL!, [cookie]);
    // Neither instance made this change, so neither hears of it sooner than the other.
    await expectRevokedEverywhere(
      baseURL!,
      [cookie],
      async () => {
        if (process.env.SESSION_STRATEGY !== "database") await query(`UPDATE "User" SET "sessionGeneration" = "sessionGeneration" + 1 WHERE id = $1`, [user.id]);
        else await query(`DELETE FROM "Session" WHERE "userId" = $1`, [user.id]);
      },
      { sameInstanceAtOnce: false },
    );
  });
});

test.describe("SESSION_CACHE=off", () => {
  let uncached: RunningServer;

  test.beforeAll(async () => {
    uncached = await startNextServer({
      ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), readTestEnv("maxSessions")),
      SESSION_CACHE: "off",
    });
  });

  test.afterAll(async () => {
    await uncached?.stop();
  });

  test("a revocation typed by hand holds on the very next request", async ({ user }) => {
    const cookie = await signIn(uncached.url, user);
    for (let i = 0; i < 3; i++) expect(await sessionStatus(uncached.url, cookie)).toBe(200);
    if (process.env.SESSION_STRATEGY !== "database") await query(`UPDATE "User" SET "sessionGeneration" = "sessionGeneration" + 1 WHERE id = $1`, [user.id]);
    else await query(`DELETE FROM "Session" WHERE "userId" = $1`, [user.id]);
    expect(await sessionStatus(uncached.url, cookie)).toBe(401);
  });
});
