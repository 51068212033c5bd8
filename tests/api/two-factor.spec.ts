import { createHash } from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { generateSync } from "otplib";
import { COOKIE, createUser, expect, query, sessionCookieOf, setCookies, signIn, test, type TestUser } from "../fixtures";
import { linkIn, waitForMail } from "../support/mailbox";
import { startClockedServer, type ClockedServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// SPEC §8 row by row. A server of its own whose clock the tests move: each code is computed here
// from the secret the setup returned, at the server's time, and a test moves on a whole 30-second
// step when it needs a fresh code (a code is accepted once). A higher per-account login limit
// than the default, so that the tests of wrong codes can count up to it on purpose.
const LOGIN_LIMIT = 8;
test.describe.configure({ mode: "serial" });

let server: ClockedServer;
let offsetMs = 0;
const advance = (seconds: number) => {
  offsetMs += seconds * 1000;
  server.advance(seconds);
};
const serverNow = () => Date.now() + offsetMs;
/** The code of the server's current step (or `stepsBack` before it). */
const totp = (secret: string, stepsBack = 0) => generateSync({ secret, epoch: Math.floor((serverNow() - stepsBack * 30_000) / 1000) });
/** Moves to a fresh step, so the next code has not been used yet. */
const nextStep = () => advance(30);

const CHALLENGE_COOKIE = "__Host-mfa";
const FLASH_COOKIE = "__Secure-mfa-codes";

test.beforeAll(async () => {
  server = await startClockedServer({
    ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), "5"),
    RATE_LIMIT_LOGIN_PER_ACCOUNT: String(LOGIN_LIMIT),
  });
});

test.afterAll(async () => {
  await server?.stop();
});

type Playwright = { request: { newContext: (o: { baseURL: string }) => Promise<APIRequestContext> } };

async function device(playwright: Playwright): Promise<APIRequestContext> {
  return playwright.request.newContext({ baseURL: server.url });
}

type Enrolled = { context: APIRequestContext; secret: string; recoveryCodes: string[] };

/** Signs the user in on a device of their own and turns TOTP on through the API. */
async function enrol(playwright: Playwright, user: TestUser): Promise<Enrolled> {
  const context = await device(playwright);
  await signIn(context, user);
  const setup = await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } });
  expect(setup.status(), await setup.text()).toBe(200);
  const { secret, uri, qrSvg } = (await setup.json()) as { secret: string; uri: string; qrSvg: string };
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  expect(new URL(uri).searchParams.get("secret")).toBe(secret);
  expect(qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(qrSvg).not.toMatch(/<script|style=/i);
  const enable = await context.post("/api/auth/mfa/totp/enable", { data: { code: totp(secret) } });
  expect(enable.status(), await enable.text()).toBe(200);
  const { recoveryCodes } = (await enable.json()) as { recoveryCodes: string[] };
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  // A JSON caller gets the codes in the body, and no flash cookie.
  expect(setCookies(enable).map((c) => c.name)).not.toContain(FLASH_COOKIE);
  return { context, secret, recoveryCodes };
}

/** The password step of a login with two-factor on: checks SPEC §8's answer and returns the device. */
async function passwordStep(playwright: Playwright, user: TestUser, data: Record<string, unknown> = {}): Promise<APIRequestContext> {
  const context = await device(playwright);
  const response = await context.post("/api/auth/login", { data: { email: user.email, password: user.password, ...data } });
  expect(response.status(), await response.text()).toBe(200);
  expect(await response.json()).toEqual({ mfaRequired: true });
  expect(sessionCookieOf(response)).toBeUndefined();
  return context;
}

const verify = (context: APIRequestContext, data: Record<string, string>) => context.post("/api/auth/mfa/verify", { data });
const sessionStatus = async (context: APIRequestContext) => (await context.get("/api/auth/session")).status();
const events = async (userId: string) =>
  (await query<{ type: string; detail: unknown }>('SELECT type, detail FROM "AuthEvent" WHERE "userId" = $1 ORDER BY "createdAt"', [userId])).map(
    (e) => e.type,
  );

/** The distinct recovery codes (six groups of four) a page's HTML shows. */
const codesIn = (html: string) => [...new Set(html.match(/\b[0-9a-z]{4}(?:-[0-9a-z]{4}){5}\b/g) ?? [])];

function challengeCookieOf(response: APIResponse) {
  return setCookies(response).find((c) => c.name === CHALLENGE_COOKIE);
}

test("enrol, then sign in: the password gets only a challenge cookie, the code gets a new session", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const since = Date.now();
  const { context: first, secret } = await enrol(playwright, user);
  expect((await waitForMail(user.email, { since, subject: /Two-factor authentication is on/ })).text).not.toContain(secret);
  nextStep();

  const context = await device(playwright);
  const login = await context.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  expect(login.status()).toBe(200);
  expect(await login.json()).toEqual({ mfaRequired: true });
  expect(sessionCookieOf(login)).toBeUndefined();
  const challenge = challengeCookieOf(login);
  expect(challenge?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(challenge?.attributes).toMatchObject({ httponly: true, secure: true, path: "/", "max-age": "600" });
  expect(String(challenge?.attributes.samesite).toLowerCase()).toBe("lax");
  expect(challenge?.attributes).not.toHaveProperty("domain");

  // The challenge is never a session: not for the API, not for a page.
  expect(await sessionStatus(context)).toBe(401);
  const page = await context.get("/dashboard", { maxRedirects: 0 });
  expect(page.status()).toBe(307);
  expect(page.headers().location).toMatch(/^\/login\?next=%2Fdashboard/);
  // Nor in the session cookie's place.
  expect((await context.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${challenge!.value}` } })).status()).toBe(401);

  const verified = await verify(context, { code: totp(secret) });
  expect(verified.status(), await verified.text()).toBe(200);
  expect((await verified.json()).user).toMatchObject({ id: user.id, email: user.email });
  expect(verified).toSetSessionCookie();
  expect(challengeCookieOf(verified)).toMatchObject({ value: "", attributes: { "max-age": "0" } });
  expect(await sessionStatus(context)).toBe(200);
  expect((await events(user.id)).slice(-4)).toEqual(["MFA_SETUP_STARTED", "MFA_ENABLED", "MFA_CHALLENGE_STARTED", "LOGIN_SUCCESS"]);
  await Promise.all([first.dispose(), context.dispose()]);
});

test("enabling is a new factor: a wrong code is audited and signs nobody out; the right one ends every other session and renews this one", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const elsewhere = await device(playwright);
  await signIn(elsewhere, user);
  const context = await device(playwright);
  await signIn(context, user);
  const oldCookie = (await context.storageState()).cookies.find((c) => c.name === COOKIE)!.value;
  const { secret } = await (await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } })).json();

  const good = [totp(secret), totp(secret, 1)];
  const wrong = ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  expect((await context.post("/api/auth/mfa/totp/enable", { data: { code: wrong } })).status()).toBe(400);
  const failed = await query<{ detail: unknown }>(`SELECT detail FROM "AuthEvent" WHERE "userId" = $1 AND type = 'MFA_CHALLENGE_FAILED'`, [user.id]);
  expect(failed.map((e) => e.detail)).toEqual([{ scope: "enable" }]);
  expect(await sessionStatus(elsewhere)).toBe(200);

  const enable = await context.post("/api/auth/mfa/totp/enable", { data: { code: totp(secret) } });
  expect(enable.status(), await enable.text()).toBe(200);
  expect(enable).toSetSessionCookie();
  expect(await sessionStatus(context)).toBe(200);
  expect(await sessionStatus(elsewhere)).toBe(401);
  const replay = await device(playwright);
  expect((await replay.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${oldCookie}` } })).status()).toBe(401);
  await Promise.all([elsewhere.dispose(), context.dispose(), replay.dispose()]);
});

test("a browser's existing session is left alone by the password step and ended by the verified code (no fixation)", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  nextStep();
  const other = await createUser(baseURL!);
  const shared = await device(playwright);
  await signIn(shared, other);
  const before = (await (await shared.get("/api/auth/session")).json()).session.id as string;
  const oldCookie = (await shared.storageState()).cookies.find((c) => c.name === COOKIE)!.value;

  const login = await shared.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  expect(await login.json()).toEqual({ mfaRequired: true });
  expect(setCookies(login).map((c) => c.name)).not.toContain(COOKIE);
  // Unfinished, like a failed login: the other account's session still works.
  expect((await (await shared.get("/api/auth/session")).json()).user.id).toBe(other.id);

  expect((await verify(shared, { code: totp(secret) })).status()).toBe(200);
  const after = await (await shared.get("/api/auth/session")).json();
  expect(after.user.id).toBe(user.id);
  expect(after.session.id).not.toBe(before);
  // The session the browser held before is over, not merely replaced in the jar (sent from a clean context).
  const replay = await device(playwright);
  expect((await replay.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${oldCookie}` } })).status()).toBe(401);
  await Promise.all([first.dispose(), shared.dispose(), replay.dispose()]);
});

test("a code is accepted once: the enrolment code, a replay inside its window, and an older code are refused", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  // Same step as the code that confirmed enrolment: it counts as used (SPEC §8).
  const context = await passwordStep(playwright, user);
  const replayed = await verify(context, { code: totp(secret) });
  expect(replayed.status()).toBe(401);
  expect(await replayed.json()).toEqual({ error: "That code is not correct, or it has already been used." });

  nextStep();
  const code = totp(secret);
  expect((await verify(context, { code })).status()).toBe(200);
  // The same code again, on a new login within its 30 seconds: refused; the step before too.
  const again = await passwordStep(playwright, user);
  expect((await verify(again, { code })).status()).toBe(401);
  expect((await verify(again, { code: totp(secret, 1) })).status()).toBe(401);
  // One step of drift back is fine when it is newer than the last used step.
  advance(60);
  expect((await verify(again, { code: totp(secret, 1) })).status()).toBe(200);
  await Promise.all([first.dispose(), context.dispose(), again.dispose()]);
});

test("a code from the next step (one forward) is refused", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  nextStep();
  const context = await passwordStep(playwright, user);
  const ahead = () => generateSync({ secret, epoch: Math.floor((serverNow() + 30_000) / 1000) });
  // A future code that equals one of the window's codes by chance shows nothing: move on a step.
  while ([totp(secret), totp(secret, 1)].includes(ahead())) nextStep();
  expect((await verify(context, { code: ahead() })).status()).toBe(401);
  await Promise.all([first.dispose(), context.dispose()]);
});

test("two concurrent verifies with one code: exactly one session", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  nextStep();
  const devices = await Promise.all([passwordStep(playwright, user), passwordStep(playwright, user), passwordStep(playwright, user)]);
  const code = totp(secret);
  const statuses = (await Promise.all(devices.map((d) => verify(d, { code })))).map((r) => r.status());
  expect(statuses.sort()).toEqual([200, 401, 401]);
  await Promise.all([first.dispose(), ...devices.map((d) => d.dispose())]);
});

test("a recovery code signs in once, even for two concurrent requests; its use is mailed and audited", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, recoveryCodes } = await enrol(playwright, user);
  const devices = await Promise.all([passwordStep(playwright, user), passwordStep(playwright, user)]);
  const since = Date.now();
  // Typed in capitals, as a user may: still the same code.
  const statuses = (await Promise.all(devices.map((d) => verify(d, { recoveryCode: recoveryCodes[0]!.toUpperCase() })))).map((r) => r.status());
  expect(statuses.sort()).toEqual([200, 401]);
  const mail = await waitForMail(user.email, { since, subject: /recovery code was used/ });
  expect(mail.text).toContain("You have 9 recovery codes left.");
  expect(mail.text).not.toContain(recoveryCodes[0]!);
  expect(await events(user.id)).toContain("MFA_RECOVERY_CODE_USED");

  const later = await passwordStep(playwright, user);
  expect((await verify(later, { recoveryCode: recoveryCodes[0]! })).status()).toBe(401);
  expect((await verify(later, { recoveryCode: recoveryCodes[1]! })).status()).toBe(200);
  expect(await sessionStatus(first)).toBe(200);
  await Promise.all([first.dispose(), later.dispose(), ...devices.map((d) => d.dispose())]);
});

test("5 wrong codes end the challenge; wrong codes count toward the account's login limit (429)", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  nextStep();
  const context = await passwordStep(playwright, user);
  const wrong = () => {
    const good = [totp(secret), totp(secret, 1)];
    return ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  };
  for (let i = 0; i < 4; i++) expect((await verify(context, { code: wrong() })).status(), `wrong code ${i + 1}`).toBe(401);
  const fifth = await verify(context, { code: wrong() });
  expect(fifth.status()).toBe(401);
  expect(await fifth.json()).toEqual({ error: "Too many wrong codes. Please sign in again." });
  expect(challengeCookieOf(fifth)).toMatchObject({ value: "", attributes: { "max-age": "0" } });
  // Dead: even the right code is refused now (sent by hand, as the jar dropped the cookie).
  const dead = await context.post("/api/auth/mfa/verify", { data: { code: totp(secret) } });
  expect(dead.status()).toBe(401);
  expect((await query('SELECT 1 FROM "MfaChallenge" WHERE "userId" = $1', [user.id])).length).toBe(0);
  expect((await events(user.id)).filter((t) => t === "MFA_CHALLENGE_FAILED")).toHaveLength(5);

  // A fresh challenge does not wipe the account's failures: three more and the account is locked.
  const again = await passwordStep(playwright, user);
  for (let i = 0; i < LOGIN_LIMIT - 5; i++) expect((await verify(again, { code: wrong() })).status()).toBe(401);
  const locked = await verify(again, { code: totp(secret) });
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);
  const fresh = await device(playwright);
  expect((await fresh.post("/api/auth/login", { data: { email: user.email, password: user.password } })).status()).toBe(429);
  await Promise.all([first.dispose(), context.dispose(), again.dispose(), fresh.dispose()]);
});

test("a password reset does not forgive wrong codes: the account stays locked for codes until a right one", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  nextStep();
  const wrong = () => {
    const good = [totp(secret), totp(secret, 1)];
    return ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  };
  // The limit's worth of wrong codes, over two challenges (5 end the first).
  const challenges = [await passwordStep(playwright, user)];
  for (let i = 0; i < LOGIN_LIMIT; i++) {
    if (i === 5) challenges.push(await passwordStep(playwright, user));
    expect((await verify(challenges.at(-1)!, { code: wrong() })).status(), `wrong code ${i + 1}`).toBe(401);
  }
  expect((await verify(challenges.at(-1)!, { code: totp(secret) })).status()).toBe(429);

  // The mailbox's owner resets the password: the password works again, the codes stay locked.
  const since = Date.now();
  expect((await first.post("/api/auth/password/forgot", { data: { email: user.email } })).status()).toBe(200);
  const token = new URL(linkIn(await waitForMail(user.email, { since, subject: /^Reset your/ }), "/reset-password")).searchParams.get("token");
  user.password = `${user.password}-reset`;
  expect((await first.post("/api/auth/password/reset", { data: { token, newPassword: user.password } })).status()).toBe(200);
  const afterReset = await passwordStep(playwright, user);
  const locked = await verify(afterReset, { code: totp(secret) });
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);
  await Promise.all([first, afterReset, ...challenges].map((c) => c.dispose()));
});

test("no challenge, or a made-up one: 401, and a form goes back to the login page", async ({ playwright }) => {
  const context = await device(playwright);
  const none = await verify(context, { code: "123456" });
  expect(none.status()).toBe(401);
  expect(await none.json()).toEqual({ error: "Your sign-in has expired or was ended. Please sign in again." });
  const forged = await context.post("/api/auth/mfa/verify", { data: { code: "123456" }, headers: { cookie: `${CHALLENGE_COOKIE}=${"A".repeat(43)}` } });
  expect(forged.status()).toBe(401);
  const form = await context.post("/api/auth/mfa/verify?next=%2Fsettings", { form: { code: "123456" }, maxRedirects: 0 });
  expect(form.status()).toBe(303);
  expect(form.headers().location).toBe("/login?error=mfa-challenge-ended&next=%2Fsettings");
  // Bad input is a 400 before any challenge is looked at.
  expect((await verify(context, {})).status()).toBe(400);
  expect((await verify(context, { code: "12345" })).status()).toBe(400);
  expect((await verify(context, { code: "123456", recoveryCode: "abcd" })).status()).toBe(400);
  await context.dispose();
});

test("a challenge expires after 10 minutes", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  const context = await passwordStep(playwright, user);
  advance(601);
  // The browser would have dropped the cookie by now; sent by hand, the server refuses it too.
  const token = (await context.storageState()).cookies.find((c) => c.name === CHALLENGE_COOKIE)?.value;
  const late = await context.post("/api/auth/mfa/verify", {
    data: { code: totp(secret) },
    ...(token ? { headers: { cookie: `${CHALLENGE_COOKIE}=${token}` } } : {}),
  });
  expect(late.status()).toBe(401);
  await Promise.all([first.dispose(), context.dispose()]);
});

test("a pending challenge dies with logout-all, a password change, a password reset, and two-factor turned off", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: owner, secret } = await enrol(playwright, user);
  /**
   * The challenge itself is dead, not the code: a fresh, unused code gets the "ended" answer (a
   * wrong code gets another) and the cookie is cleared. Returns the code, which a new challenge
   * still accepts.
   */
  const challengeDied = async (context: APIRequestContext) => {
    nextStep();
    const code = totp(secret);
    const refused = await verify(context, { code });
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toEqual({ error: "Your sign-in has expired or was ended. Please sign in again." });
    expect(challengeCookieOf(refused)).toMatchObject({ value: "", attributes: { "max-age": "0" } });
    return code;
  };

  const pending1 = await passwordStep(playwright, user);
  expect((await owner.post("/api/auth/logout-all", { data: { keepCurrent: true } })).status()).toBe(200);
  await challengeDied(pending1);

  const pending2 = await passwordStep(playwright, user);
  const newPassword = `${user.password}-changed`;
  expect((await owner.post("/api/auth/password", { data: { currentPassword: user.password, newPassword } })).status()).toBe(200);
  await challengeDied(pending2);
  user.password = newPassword;

  // A password reset by a mailed link.
  const pending4 = await passwordStep(playwright, user);
  const since = Date.now();
  expect((await pending4.post("/api/auth/password/forgot", { data: { email: user.email } })).status()).toBe(200);
  const token = new URL(linkIn(await waitForMail(user.email, { since, subject: /^Reset your/ }), "/reset-password")).searchParams.get("token");
  const resetPassword = `${user.password}-reset`;
  expect((await pending4.post("/api/auth/password/reset", { data: { token, newPassword: resetPassword } })).status()).toBe(200);
  const unused = await challengeDied(pending4);
  user.password = resetPassword;
  // The code the dead challenge refused was never used: a new login's challenge takes it.
  const ownerLogin = await passwordStep(playwright, user);
  expect((await verify(ownerLogin, { code: unused })).status()).toBe(200);

  const pending3 = await passwordStep(playwright, user);
  nextStep();
  expect((await ownerLogin.post("/api/auth/mfa/totp/disable", { data: { currentPassword: user.password, code: totp(secret) } })).status()).toBe(200);
  await challengeDied(pending3);
  await Promise.all([owner, ownerLogin, pending1, pending2, pending3, pending4].map((c) => c.dispose()));
});

test("a pending challenge ends with a logout, a sign-in without it, or a new challenge in the same browser", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  const plainUser = await createUser(baseURL!);
  const tokenOf = async (context: APIRequestContext) => (await context.storageState()).cookies.find((c) => c.name === CHALLENGE_COOKIE)!.value;
  /** The token sent by hand from a clean device (the jar dropped it), with a fresh, unused code. */
  const clean = await device(playwright);
  const challengeEnded = async (token: string) => {
    nextStep();
    const late = await clean.post("/api/auth/mfa/verify", { data: { code: totp(secret) }, headers: { cookie: `${CHALLENGE_COOKIE}=${token}` } });
    expect(late.status()).toBe(401);
    expect(await late.json()).toEqual({ error: "Your sign-in has expired or was ended. Please sign in again." });
  };

  const loggedOut = await passwordStep(playwright, user);
  const first1 = await tokenOf(loggedOut);
  const logout = await loggedOut.post("/api/auth/logout");
  expect(challengeCookieOf(logout)).toMatchObject({ value: "", attributes: { "max-age": "0" } });
  await challengeEnded(first1);

  const switched = await passwordStep(playwright, user);
  const first2 = await tokenOf(switched);
  const other = await switched.post("/api/auth/login", { data: { email: plainUser.email, password: plainUser.password } });
  expect(other).toSetSessionCookie();
  expect(challengeCookieOf(other)).toMatchObject({ value: "", attributes: { "max-age": "0" } });
  await challengeEnded(first2);

  const again = await passwordStep(playwright, user);
  const first3 = await tokenOf(again);
  const second = await again.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  expect(challengeCookieOf(second)?.value).not.toBe(first3);
  await challengeEnded(first3);
  // The code that the dead ones refused still works on the live one: it was the challenge that died.
  expect((await verify(again, { code: totp(secret) })).status()).toBe(200);
  await Promise.all([first, clean, loggedOut, switched, again].map((c) => c.dispose()));
});

test("setup and enable: 401 signed out, 401 wrong password, 400 bad input, 400 wrong code or no setup, 409 when on", async ({ playwright, baseURL, request }) => {
  expect((await request.post("/api/auth/mfa/totp/setup", { data: { currentPassword: "x" } })).status()).toBe(401);
  const user = await createUser(baseURL!);
  const context = await device(playwright);
  await signIn(context, user);
  expect((await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: "wrong password" } })).status()).toBe(401);
  expect((await context.post("/api/auth/mfa/totp/setup", { data: {} })).status()).toBe(400);
  expect((await context.post("/api/auth/mfa/totp/enable", { data: { code: "123456" } })).status()).toBe(400); // no setup
  expect((await context.post("/api/auth/mfa/totp/enable", { data: { code: "12ab" } })).status()).toBe(400);

  const setup = await (await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } })).json();
  const good = [totp(setup.secret), totp(setup.secret, 1)];
  const wrong = ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  const refused = await context.post("/api/auth/mfa/totp/enable", { data: { code: wrong } });
  expect(refused.status()).toBe(400);
  // Nothing is active before a right code: the login still needs only the password.
  const plain = await device(playwright);
  expect(sessionCookieOf(await plain.post("/api/auth/login", { data: { email: user.email, password: user.password } }))).toBeTruthy();
  // Spaces as apps show them are fine.
  const code = totp(setup.secret);
  expect((await context.post("/api/auth/mfa/totp/enable", { data: { code: `${code.slice(0, 3)} ${code.slice(3)}` } })).status()).toBe(200);
  expect((await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } })).status()).toBe(409);
  // A setup left unconfirmed dies after 10 minutes.
  const other = await createUser(baseURL!);
  const late = await device(playwright);
  await signIn(late, other);
  const pending = await (await late.post("/api/auth/mfa/totp/setup", { data: { currentPassword: other.password } })).json();
  advance(601);
  expect((await late.post("/api/auth/mfa/totp/enable", { data: { code: totp(pending.secret) } })).status()).toBe(400);
  await Promise.all([context.dispose(), plain.dispose(), late.dispose()]);
});

test("form posts: login → /login/verify with next; wrong code back there; right code → next; setup and enable pages", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: first, secret } = await enrol(playwright, user);
  nextStep();
  const context = await device(playwright);
  const login = await context.post("/api/auth/login?next=%2Fsettings%2Fsessions", {
    form: { email: user.email, password: user.password, remember: "false" },
    maxRedirects: 0,
  });
  expect(login.status()).toBe(303);
  expect(login.headers().location).toBe("/login/verify?next=%2Fsettings%2Fsessions");
  expect(sessionCookieOf(login)).toBeUndefined();
  expect(challengeCookieOf(login)?.value).toBeTruthy();

  const good = [totp(secret), totp(secret, 1)];
  const wrong = ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  const refused = await context.post("/api/auth/mfa/verify?next=%2Fsettings%2Fsessions", { form: { code: wrong, recoveryCode: "" }, maxRedirects: 0 });
  expect(refused.status()).toBe(303);
  expect(refused.headers().location).toBe("/login/verify?error=mfa-code-wrong&next=%2Fsettings%2Fsessions");
  // A wrong recovery code goes back to the recovery form (its page's `method`); no other value is kept.
  const recovery = await context.post("/api/auth/mfa/verify?method=recovery&next=%2Fsettings%2Fsessions", {
    form: { code: "", recoveryCode: "0000-0000-0000-0000-0000-0000" },
    maxRedirects: 0,
  });
  expect(recovery.headers().location).toBe("/login/verify?error=mfa-code-wrong&next=%2Fsettings%2Fsessions&method=recovery");
  const unlisted = await context.post("/api/auth/mfa/verify?method=evil%2F&next=%2Fsettings%2Fsessions", { form: { code: wrong, recoveryCode: "" }, maxRedirects: 0 });
  expect(unlisted.headers().location).toBe("/login/verify?error=mfa-code-wrong&next=%2Fsettings%2Fsessions");

  const verified = await context.post("/api/auth/mfa/verify", { form: { code: totp(secret), recoveryCode: "", next: "/settings/sessions" }, maxRedirects: 0 });
  expect(verified.status()).toBe(303);
  expect(verified.headers().location).toBe("/settings/sessions");
  // "Remember me" unticked at the login: a browser-session cookie.
  expect(verified).toSetBrowserSessionCookie();

  // An unsafe next is never followed.
  nextStep();
  const other = await device(playwright);
  await other.post("/api/auth/login", { form: { email: user.email, password: user.password }, maxRedirects: 0 });
  const evil = await other.post("/api/auth/mfa/verify", { form: { code: totp(secret), next: "//evil.example" }, maxRedirects: 0 });
  expect(evil.headers().location).toBe("/dashboard");

  // Setup form: back to the settings page; a wrong password goes back with the error.
  const fresh = await createUser(baseURL!);
  const settings = await device(playwright);
  await signIn(settings, fresh);
  const wrongPassword = await settings.post("/api/auth/mfa/totp/setup", { form: { currentPassword: "wrong password" }, maxRedirects: 0 });
  expect(wrongPassword.headers().location).toBe("/settings/two-factor?error=current-password-wrong");
  const setup = await settings.post("/api/auth/mfa/totp/setup", { form: { currentPassword: fresh.password }, maxRedirects: 0 });
  expect(setup.status()).toBe(303);
  expect(setup.headers().location).toBe("/settings/two-factor");
  // Nothing is on yet: the settings page shows the setup in progress.
  expect(await query('SELECT 1 FROM "TwoFactor" WHERE "userId" = $1 AND "enabledAt" IS NULL', [fresh.id])).toHaveLength(1);
  await Promise.all([first.dispose(), context.dispose(), other.dispose(), settings.dispose()]);
});

test("enable by form: the codes reach their page once, through a sealed, narrow, short-lived flash cookie", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const context = await device(playwright);
  await signIn(context, user);
  const { secret } = await (await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } })).json();
  const enable = await context.post("/api/auth/mfa/totp/enable", { form: { code: totp(secret) }, maxRedirects: 0 });
  expect(enable.status()).toBe(303);
  expect(enable.headers().location).toBe("/settings/two-factor/recovery-codes");
  const flash = setCookies(enable).find((c) => c.name === FLASH_COOKIE);
  expect(flash?.attributes).toMatchObject({ httponly: true, secure: true, path: "/settings/two-factor/recovery-codes", "max-age": "300" });
  expect(String(flash?.attributes.samesite).toLowerCase()).toBe("strict");
  // Sealed: none of the codes can be read from it.
  expect(flash?.value).toMatch(/^Fe26\.2\*/);
  const stored = await query<{ codeHash: string }>('SELECT "codeHash" FROM "RecoveryCode" WHERE "userId" = $1', [user.id]);
  expect(stored).toHaveLength(10);

  // A background fetch (prefetch, RSC) or a HEAD neither shows the codes nor consumes them; the
  // user's own load shows them, once.
  const page = "/settings/two-factor/recovery-codes";
  const prefetch = await context.get(page, { headers: { "sec-fetch-mode": "cors" }, maxRedirects: 0 });
  expect(prefetch.status()).toBe(200);
  expect(setCookies(prefetch).find((c) => c.name === FLASH_COOKIE)).toBeUndefined();
  const head = await context.head(page, { maxRedirects: 0 });
  expect(setCookies(head).find((c) => c.name === FLASH_COOKIE)).toBeUndefined();
  const load = await context.get(page, { headers: { "sec-fetch-mode": "navigate" }, maxRedirects: 0 });
  const cleared = setCookies(load).find((c) => c.name === FLASH_COOKIE);
  expect(cleared).toMatchObject({ value: "", attributes: { path: "/settings/two-factor/recovery-codes", "max-age": "0" } });
  expect((await context.storageState()).cookies.find((c) => c.name === FLASH_COOKIE)).toBeUndefined();
  const shown = codesIn(await load.text());
  expect(shown).toHaveLength(10);
  expect(codesIn(await prefetch.text())).toEqual([]);
  // Each shown code is one of the stored set (and shown nowhere else).
  const hashes = new Set(stored.map((row) => row.codeHash));
  for (const code of shown) expect(hashes.has(createHash("sha256").update(code.replaceAll("-", "")).digest("hex"))).toBe(true);
  expect(codesIn(await (await context.get(page, { headers: { "sec-fetch-mode": "navigate" } })).text())).toEqual([]);
  await context.dispose();
});

test("regenerate recovery codes: a current code; the old set dies and every other session ends", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context, secret, recoveryCodes } = await enrol(playwright, user);
  nextStep();
  const elsewhere = await passwordStep(playwright, user);
  expect((await verify(elsewhere, { code: totp(secret) })).status()).toBe(200);

  const good = [totp(secret), totp(secret, 1)];
  const wrong = ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  expect((await context.post("/api/auth/mfa/recovery-codes", { data: { code: wrong } })).status()).toBe(400);
  // A recovery code is not a current authenticator code.
  expect((await context.post("/api/auth/mfa/recovery-codes", { data: { code: recoveryCodes[0]! } })).status()).toBe(400);
  nextStep();
  const regenerated = await context.post("/api/auth/mfa/recovery-codes", { data: { code: totp(secret) } });
  expect(regenerated.status(), await regenerated.text()).toBe(200);
  const { recoveryCodes: fresh } = (await regenerated.json()) as { recoveryCodes: string[] };
  expect(fresh).toHaveLength(10);
  expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false);
  expect(regenerated).toSetSessionCookie(); // this device: rotated
  expect(await sessionStatus(context)).toBe(200);
  expect(await sessionStatus(elsewhere)).toBe(401);
  expect(await events(user.id)).toContain("MFA_RECOVERY_CODES_REGENERATED");

  const next = await passwordStep(playwright, user);
  expect((await verify(next, { recoveryCode: recoveryCodes[2]! })).status()).toBe(401);
  expect((await verify(next, { recoveryCode: fresh[0]! })).status()).toBe(200);
  await Promise.all([context.dispose(), elsewhere.dispose(), next.dispose()]);
});

test("disable: 401 wrong password, 400 wrong code; with a code or a recovery code it is off, others are signed out, the owner is told", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context, secret, recoveryCodes } = await enrol(playwright, user);
  nextStep();
  const elsewhere = await passwordStep(playwright, user);
  expect((await verify(elsewhere, { code: totp(secret) })).status()).toBe(200);

  const good = [totp(secret), totp(secret, 1)];
  const wrong = ["000000", "111111", "222222"].find((c) => !good.includes(c))!;
  expect((await context.post("/api/auth/mfa/totp/disable", { data: { currentPassword: "wrong password", code: totp(secret) } })).status()).toBe(401);
  expect((await context.post("/api/auth/mfa/totp/disable", { data: { currentPassword: user.password, code: wrong } })).status()).toBe(400);
  expect((await context.post("/api/auth/mfa/totp/disable", { data: { currentPassword: user.password } })).status()).toBe(400);
  const since = Date.now();
  const form = await context.post("/api/auth/mfa/totp/disable", { form: { currentPassword: user.password, code: recoveryCodes[0]! }, maxRedirects: 0 });
  expect(form.status()).toBe(303);
  expect(form.headers().location).toBe("/settings/two-factor?notice=two-factor-disabled");
  expect(form).toSetSessionCookie();
  expect(await sessionStatus(context)).toBe(200);
  expect(await sessionStatus(elsewhere)).toBe(401);
  // The recovery code it took is used up like any other: audited, and the notice says so.
  const notice = await waitForMail(user.email, { since, subject: /Two-factor authentication is off/ });
  expect(notice.text).toContain("It was confirmed with one of your recovery codes");
  expect(notice.text).not.toContain(recoveryCodes[0]!);
  expect(await events(user.id)).toContain("MFA_DISABLED");
  const used = await query<{ detail: unknown }>(`SELECT detail FROM "AuthEvent" WHERE "userId" = $1 AND type = 'MFA_RECOVERY_CODE_USED'`, [user.id]);
  expect(used.map((e) => e.detail)).toEqual([{ scope: "disable" }]);
  expect(await query('SELECT 1 FROM "TwoFactor" WHERE "userId" = $1 UNION ALL SELECT 1 FROM "RecoveryCode" WHERE "userId" = $1', [user.id])).toEqual([]);
  // Off: the password alone signs in again, and a second disable is a 400.
  const plain = await device(playwright);
  expect(sessionCookieOf(await plain.post("/api/auth/login", { data: { email: user.email, password: user.password } }))).toBeTruthy();
  expect((await context.post("/api/auth/mfa/totp/disable", { data: { currentPassword: user.password, code: "123456" } })).status()).toBe(400);
  await Promise.all([context.dispose(), elsewhere.dispose(), plain.dispose()]);
});

test("an admin turns a user's two-factor off: sessions end, audit names the admin, the user is told", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context: victim, secret } = await enrol(playwright, user);
  const pending = await passwordStep(playwright, user);
  const admin = await createUser(baseURL!);
  await query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]);
  const { context: adminDevice } = await enrol(playwright, admin);

  // Never the admin's own: that is the normal disable, with the password and a code.
  const own = await adminDevice.post(`/api/admin/users/${admin.id}/two-factor/disable`);
  expect(own.status()).toBe(403);
  expect(await own.json()).toEqual({
    error: "To turn off your own two-factor authentication, use Settings → Two-factor (it asks for your password and a code).",
  });
  const ownForm = await adminDevice.post(`/api/admin/users/${admin.id}/two-factor/disable`, { form: {}, maxRedirects: 0 });
  expect(ownForm.headers().location).toBe("/admin?error=two-factor-own-account");
  expect(await query('SELECT 1 FROM "TwoFactor" WHERE "userId" = $1 AND "enabledAt" IS NOT NULL', [admin.id])).toHaveLength(1);
  expect(await sessionStatus(adminDevice)).toBe(200);

  // Not for a plain user; 404 for an unknown id.
  expect((await victim.post(`/api/admin/users/${user.id}/two-factor/disable`)).status()).toBe(403);
  expect((await adminDevice.post("/api/admin/users/no-such-user/two-factor/disable")).status()).toBe(404);

  const since = Date.now();
  const response = await adminDevice.post(`/api/admin/users/${user.id}/two-factor/disable`, { form: {}, maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe(`/admin/users/${user.id}?notice=two-factor-disabled`);
  expect(await sessionStatus(victim)).toBe(401);
  nextStep();
  expect((await verify(pending, { code: totp(secret) })).status()).toBe(401);
  await waitForMail(user.email, { since, subject: /Two-factor authentication is off/ });
  const audit = await query<{ detail: { by?: string } }>(`SELECT detail FROM "AuthEvent" WHERE "userId" = $1 AND type = 'MFA_RESET_BY_ADMIN'`, [user.id]);
  expect(audit.map((a) => a.detail.by)).toEqual([admin.id]);
  // The password alone signs in now (the lost device no longer matters).
  const plain = await device(playwright);
  expect(sessionCookieOf(await plain.post("/api/auth/login", { data: { email: user.email, password: user.password } }))).toBeTruthy();
  // Again, now that it is off: said as it is, and nobody is told or signed out.
  const resets = (await query('SELECT 1 FROM "AuthEvent" WHERE "userId" = $1 AND type = $2', [user.id, "MFA_RESET_BY_ADMIN"])).length;
  const again = await adminDevice.post(`/api/admin/users/${user.id}/two-factor/disable`);
  expect(again.status()).toBe(400);
  expect(await again.json()).toEqual({ error: "Two-factor authentication is not on for this account." });
  const againForm = await adminDevice.post(`/api/admin/users/${user.id}/two-factor/disable`, { form: {}, maxRedirects: 0 });
  expect(againForm.headers().location).toBe("/admin?error=two-factor-off");
  expect(await sessionStatus(plain)).toBe(200);
  expect((await query('SELECT 1 FROM "AuthEvent" WHERE "userId" = $1 AND type = $2', [user.id, "MFA_RESET_BY_ADMIN"])).length).toBe(resets);
  await Promise.all([victim.dispose(), pending.dispose(), adminDevice.dispose(), plain.dispose()]);
});

test("no secret or code in the audit log, the database in plain, or any answer after enrolment", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const { context, secret, recoveryCodes } = await enrol(playwright, user);
  nextStep();
  const other = await passwordStep(playwright, user);
  const code = totp(secret);
  expect((await verify(other, { code })).status()).toBe(200);
  const pending = await passwordStep(playwright, user);
  expect((await verify(pending, { recoveryCode: recoveryCodes[3]! })).status()).toBe(200);

  const secrets = [secret, code, ...recoveryCodes, ...recoveryCodes.map((c) => c.replaceAll("-", ""))];
  const audit = JSON.stringify(await query('SELECT * FROM "AuthEvent" WHERE "userId" = $1', [user.id]));
  const rows = JSON.stringify([
    await query('SELECT * FROM "TwoFactor" WHERE "userId" = $1', [user.id]),
    await query('SELECT * FROM "RecoveryCode" WHERE "userId" = $1', [user.id]),
  ]);
  const answers = await Promise.all(
    ["/api/auth/session", "/api/auth/sessions", "/settings/sessions", "/dashboard"].map(async (path) => (await context.get(path)).text()),
  );
  const setupAgain = await (await context.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } })).text();
  for (const value of secrets) {
    expect(audit, "audit log").not.toContain(value);
    expect(rows, "two-factor rows").not.toContain(value);
    for (const answer of [...answers, setupAgain]) expect(answer).not.toContain(value);
  }
  await Promise.all([context.dispose(), other.dispose(), pending.dispose()]);
});
