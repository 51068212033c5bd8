import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { createUser, expect, query, signIn, test, uniqueEmail } from "../fixtures";
import { startClockedServer, type ClockedServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// A server of its own: low thresholds, a trusted proxy (so client IPs count), a movable clock.
const WINDOW = 60;
test.describe.configure({ mode: "serial" });

let server: ClockedServer;
let client: APIRequestContext;

test.beforeAll(async ({ playwright }) => {
  server = await startClockedServer({
    ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), "5"),
    TRUST_PROXY: "true",
    RATE_LIMIT_WINDOW: String(WINDOW),
    RATE_LIMIT_LOGIN_PER_ACCOUNT: "3",
    RATE_LIMIT_LOGIN_PER_IP: "6",
    RATE_LIMIT_SIGNUP_PER_IP: "3",
    RATE_LIMIT_PASSWORD_CHANGE: "3",
    RATE_LIMIT_EMAIL_PER_ACCOUNT: "2",
    RATE_LIMIT_EMAIL_PER_IP: "4",
  });
  client = await playwright.request.newContext({ baseURL: server.url });
});

test.afterAll(async () => {
  await client?.dispose();
  await server?.stop();
});

// Every call a new address from the documentation ranges (RFC 5737): no two tests, and no two
// attempts meant to come from different clients, can ever share a per-IP counter by chance.
let ipCounter = 0;
const freshIp = () => {
  ipCounter += 1;
  const [range, host] = [["192.0.2", "198.51.100", "203.0.113"][Math.floor(ipCounter / 250) % 3], (ipCounter % 250) + 1];
  return `${range}.${host}`;
};
const fromIp = (ip = freshIp()) => ({ "x-forwarded-for": ip });
const login = (email: string, password: string, ip = freshIp()) =>
  client.post("/api/auth/login", { data: { email, password }, headers: fromIp(ip) });

test("brute force on one account is locked out whatever IP it claims, and recovers after the window", async ({ baseURL }) => {
  const user = await createUser(baseURL!);
  for (let i = 0; i < 3; i++) expect((await login(user.email, "wrong password")).status()).toBe(401);

  const locked = await login(user.email, user.password);
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);
  expect(Number(locked.headers()["retry-after"])).toBeLessThanOrEqual(WINDOW);
  expect(await locked.json()).toEqual({ error: "Too many attempts. Please wait a while and try again." });
  const events = await query<{ type: string }>('SELECT type FROM "AuthEvent" WHERE "userId" = $1 ORDER BY "createdAt"', [user.id]);
  expect(events.map((e) => e.type)).toEqual(["SIGNUP", "EMAIL_VERIFICATION_SENT", "LOGIN_FAILURE", "LOGIN_FAILURE", "LOGIN_FAILURE", "RATE_LIMITED"]);

  const form = await client.post("/api/auth/login", {
    headers: { ...fromIp(), "content-type": "application/x-www-form-urlencoded" },
    data: new URLSearchParams({ email: user.email, password: user.password }).toString(),
    maxRedirects: 0,
  });
  expect(form.status()).toBe(303);
  expect(form.headers().location).toBe("/login?error=rate-limited");
  expect(form.headers()["retry-after"]).toBeTruthy();

  server.advance(WINDOW + 1);
  expect((await login(user.email, user.password)).status()).toBe(200);
  // Success cleared the account's failures: two more misses do not lock it.
  for (let i = 0; i < 2; i++) expect((await login(user.email, "wrong password")).status()).toBe(401);
  expect((await login(user.email, user.password)).status()).toBe(200);
});

test("each lock-out lasts twice as long as the last", async ({ baseURL }) => {
  const user = await createUser(baseURL!);
  const lockOut = async () => {
    for (let i = 0; i < 3; i++) await login(user.email, "wrong password");
    return Number((await login(user.email, "wrong password")).headers()["retry-after"]);
  };
  const first = await lockOut();
  server.advance(first + 1);
  const second = await lockOut();
  expect(first).toBeGreaterThan(WINDOW - 5);
  expect(second).toBeGreaterThan(2 * WINDOW - 5);
  server.advance(second + 1);
});

test("an unknown email is locked out exactly like a known one", async () => {
  const email = uniqueEmail("nobody");
  for (let i = 0; i < 3; i++) expect((await login(email, "whatever password")).status()).toBe(401);
  expect((await login(email, "whatever password")).status()).toBe(429);
  server.advance(WINDOW * 4);
});

test("one IP trying many accounts is locked out; other IPs are not", async ({ baseURL }) => {
  const ip = freshIp();
  for (let i = 0; i < 6; i++) expect((await login(uniqueEmail("spray"), "Summer2026!", ip)).status()).toBe(401);
  expect((await login(uniqueEmail("spray"), "Summer2026!", ip)).status()).toBe(429);
  const user = await createUser(baseURL!);
  expect((await login(user.email, user.password, ip)).status()).toBe(429);
  expect((await login(user.email, user.password, freshIp())).status()).toBe(200);
  server.advance(WINDOW * 4);
});

test("signups are limited per IP", async () => {
  const ip = freshIp();
  const signup = (from: string) =>
    client.post("/api/auth/signup", { data: { email: uniqueEmail("many"), password: `pw-${randomUUID()}` }, headers: fromIp(from) });
  for (let i = 0; i < 3; i++) expect((await signup(ip)).status()).toBe(201);
  const limited = await signup(ip);
  expect(limited.status()).toBe(429);
  expect(limited.headers()["retry-after"]).toBeTruthy();
  expect((await signup(freshIp())).status()).toBe(201);
  server.advance(WINDOW * 4);
});

test("guessing the current password through password change is limited", async ({ playwright, baseURL }) => {
  const user = await createUser(baseURL!);
  const device = await playwright.request.newContext({ baseURL: server.url });
  await signIn(device, user, { headers: fromIp() });
  const change = (currentPassword: string) =>
    device.post("/api/auth/password", { data: { currentPassword, newPassword: "a new and fine passphrase" }, headers: fromIp() });
  for (let i = 0; i < 3; i++) expect((await change("a wrong guess")).status()).toBe(401);
  expect((await change(user.password)).status()).toBe(429);
  await device.dispose();
});

test("forgot password is limited per address whatever IP it claims, and per IP across addresses", async () => {
  const forgot = (email: string, ip = freshIp()) => client.post("/api/auth/password/forgot", { data: { email }, headers: fromIp(ip) });
  const email = uniqueEmail("reset");
  expect([(await forgot(email)).status(), (await forgot(email)).status()]).toEqual([200, 200]);
  const perAddress = await forgot(email);
  expect(perAddress.status()).toBe(429);
  expect(Number(perAddress.headers()["retry-after"])).toBeGreaterThan(0);

  const ip = freshIp();
  for (let i = 0; i < 4; i++) expect((await forgot(uniqueEmail("spread"), ip)).status()).toBe(200);
  const perIp = await forgot(uniqueEmail("spread"), ip);
  expect(perIp.status()).toBe(429);
  expect(perIp.headers()["retry-after"]).toBeTruthy();
  expect((await forgot(uniqueEmail("spread"))).status(), "another client is not affected").toBe(200);
  server.advance(WINDOW * 4);
});

test("email change is limited per account and per target address, so it is neither a mail cannon nor a free 409 oracle", async ({ baseURL, playwright }) => {
  const user = await createUser(baseURL!);
  const device = await playwright.request.newContext({ baseURL: server.url });
  await signIn(device, user, { headers: fromIp() });
  const ask = (newEmail: string) => device.post("/api/auth/email", { data: { newEmail, currentPassword: user.password }, headers: fromIp() });
  expect([(await ask(uniqueEmail("a"))).status(), (await ask(uniqueEmail("b"))).status()]).toEqual([200, 200]);
  const limited = await ask(uniqueEmail("c"));
  expect(limited.status()).toBe(429);
  expect(limited.headers()["retry-after"]).toBeTruthy();
  await device.dispose();
  server.advance(WINDOW * 4);
});
