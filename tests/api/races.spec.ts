import { randomUUID } from "node:crypto";
import type { TestInfo } from "@playwright/test";
import { COOKIE, createUser, expect, query, signIn, test, type TestUser } from "../fixtures";
import { startNextServer, type RunningServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Issue 10, items 1 and 2: what concurrent requests must not be able to do. Each test sends
// overlapping requests over plain fetch (no cookie jar: every request carries exactly the cookie
// named) and then checks an outcome that holds whatever the interleaving was: no session created
// during a revocation outlives it, a limit is never exceeded, nothing answers 5xx. Delays between
// requests only make the bad interleavings likely; no assertion depends on timing.

const STRATEGY = process.env.SESSION_STRATEGY ?? "database";

// In order in one worker, but a failure does not skip the tests after it.
test.describe.configure({ mode: "default" });

type Answer = { status: number; cookie: string | undefined; retryAfter: string | null; error: string | undefined };

/** One request with exactly the given cookie and client address; the session cookie it set, if any. */
async function call(base: string, path: string, init: { cookie?: string; body?: unknown; ip?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.cookie) headers.cookie = `${COOKIE}=${init.cookie}`;
  if (init.ip) headers["x-forwarded-for"] = init.ip;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: "manual",
  });
  const text = await response.text();
  let error: string | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && "error" in parsed && typeof parsed.error === "string") error = parsed.error;
  } catch {
    // not JSON (an error page): the status says enough
  }
  const line = response.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
  const cookie = line?.slice(COOKIE.length + 1).split(";")[0] || undefined;
  return { status: response.status, cookie, retryAfter: response.headers.get("retry-after"), error };
}

const login = (base: string, user: Pick<TestUser, "email">, password: string, ip?: string) =>
  call(base, "/api/auth/login", { body: { email: user.email, password }, ip });

const sessionStatus = async (base: string, cookie: string) => (await call(base, "/api/auth/session", { cookie })).status;

/** Spreads requests over a race window; never used to wait for an outcome. */
const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tally = (statuses: number[]) =>
  Object.entries(statuses.reduce<Record<number, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {}))
    .map(([status, count]) => `${count} × ${status}`)
    .join(", ");

/** What the server said (stack traces of any 5xx), for a failed test's report. */
const attachOutput = (testInfo: TestInfo, server: RunningServer | undefined) =>
  testInfo.attach("next start output", { body: server?.output().slice(-50_000) ?? "", contentType: "text/plain" });

const deleteUsers = (ids: string[]) => query('DELETE FROM "User" WHERE id = ANY($1)', [ids]);

test.describe("revocation races (issue 10, item 1)", () => {
  // A server of its own: a session cap and a login limit high enough that neither ends a session
  // or refuses a login in these races, so only the revocation can make a session die.
  let server: RunningServer;

  test.beforeAll(async () => {
    server = await startNextServer({
      ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), "1000"),
      RATE_LIMIT_LOGIN_PER_ACCOUNT: "1000",
    });
  });

  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) await attachOutput(testInfo, server);
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  test("a password change racing logins with the old password leaves none of them a live session", async () => {
    test.setTimeout(60_000);
    // Logins with the old password go out one every GAP ms from the moment the change is sent
    // until it has answered (at least MIN, at most MAX of them), so some read the old hash just
    // before the change stores the new one and create their session after it has revoked.
    const GAPS_MS = [20, 40, 70];
    const MIN_LOGINS = 8;
    const MAX_LOGINS = 16;
    const users: string[] = [];
    const statuses: number[] = [];
    let succeeded = 0;
    let survived = 0;
    const report: string[] = [];
    try {
      for (const gap of GAPS_MS) {
        const user = await createUser(server.url);
        users.push(user.id);
        const device = await signIn(server.url, user);
        const newPassword = `new-${randomUUID()}`;

        let changeAnswered = false;
        const change = call(server.url, "/api/auth/password", { cookie: device, body: { currentPassword: user.password, newPassword } }).finally(
          () => (changeAnswered = true),
        );
        const logins: Array<Promise<Answer>> = [];
        while (logins.length < MAX_LOGINS && (logins.length < MIN_LOGINS || !changeAnswered)) {
          logins.push(login(server.url, user, user.password));
          await after(gap);
        }
        const changed = await change;
        expect(changed.status, changed.error).toBe(200);
        const answers = await Promise.all(logins);
        statuses.push(...answers.map((a) => a.status));

        // Every login and the change have answered: whichever of the logins saw the old password,
        // none may hold a session now.
        const cookies = answers.flatMap((a) => (a.status === 200 && a.cookie ? [a.cookie] : []));
        let live = 0;
        for (const cookie of cookies) if ((await sessionStatus(server.url, cookie)) !== 401) live += 1;
        succeeded += cookies.length;
        survived += live;
        const line = `[${STRATEGY}] password change vs ${answers.length} logins ${gap} ms apart: ${tally(answers.map((a) => a.status))}; ${live} of the ${cookies.length} that got in survived the change`;
        report.push(line);
        console.log(line);

        // The device that changed the password holds the one session left.
        expect(await sessionStatus(server.url, changed.cookie!)).toBe(200);
        expect(await sessionStatus(server.url, device)).toBe(401);
      }
    } finally {
      await deleteUsers(users);
    }
    // The old password gets a session or a refusal, nothing else; and without a login that got
    // in, the race was never run.
    expect(statuses.filter((s) => s !== 200 && s !== 401), report.join("\n")).toEqual([]);
    expect(succeeded, report.join("\n")).toBeGreaterThan(0);
    expect(survived, report.join("\n")).toBe(0);
  });

  test("a stolen cookie cannot outlive the victim's logout-all by looping logout-all {keepCurrent:true}", async () => {
    test.setTimeout(60_000);
    // How long after the victim's call the attacker's loop starts, one run each.
    const ATTACKER_DELAYS_MS = [0, 2, 5, 10, 20];
    const MAX_LOOPS = 50;
    const users: string[] = [];
    let decided = 0;
    let runsWithSurvivors = 0;
    const report: string[] = [];
    try {
      for (const delay of ATTACKER_DELAYS_MS) {
        const user = await createUser(server.url);
        users.push(user.id);
        const victim = await signIn(server.url, user);
        let stolen = await signIn(server.url, user);
        const held = [stolen];

        let victimAnswered = false;
        const victimCall = call(server.url, "/api/auth/logout-all", { cookie: victim, body: { keepCurrent: false } }).finally(() => {
          victimAnswered = true;
        });
        const attack = (async () => {
          await after(delay);
          // Stops once the victim has answered and the request then in flight has finished.
          for (let i = 0; i < MAX_LOOPS && !victimAnswered; i++) {
            const answer = await call(server.url, "/api/auth/logout-all", { cookie: stolen, body: { keepCurrent: true } });
            if (answer.status !== 200 || !answer.cookie) break;
            stolen = answer.cookie;
            held.push(stolen);
          }
        })();
        const victimAnswer = await victimCall;
        await attack;

        // The attacker's first call may have ended the victim's session before the victim's
        // call was checked: then the victim revoked nothing, and this run decides nothing.
        if (victimAnswer.status !== 200) {
          expect(victimAnswer.status).toBe(401);
          const line = `[${STRATEGY}] logout-all race, attacker ${delay} ms later: the attacker's call ended the victim's session first (victim got 401)`;
          report.push(line);
          console.log(line);
          continue;
        }
        decided += 1;
        const live = [];
        for (const cookie of held) if ((await sessionStatus(server.url, cookie)) !== 401) live.push(cookie);
        if (live.length > 0) runsWithSurvivors += 1;
        expect(await sessionStatus(server.url, victim)).toBe(401);
        const line = `[${STRATEGY}] logout-all race, attacker ${delay} ms later: attacker rotated ${held.length - 1} times, ${live.length} of ${held.length} cookies alive after the victim's logout-all`;
        report.push(line);
        console.log(line);
      }
    } finally {
      await deleteUsers(users);
    }
    expect(decided, report.join("\n")).toBeGreaterThan(0);
    expect(runsWithSurvivors, report.join("\n")).toBe(0);
  });
});

test.describe("limits under bursts (issue 10, item 2)", () => {
  // A server of its own with small limits and a trusted proxy, so every request of a burst can
  // claim a different client IP: only the per-account limit can stop the burst.
  const LIMIT = 5;
  const BURST = 40;
  let server: RunningServer;

  test.beforeAll(async () => {
    server = await startNextServer({
      ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), readTestEnv("maxSessions")),
      TRUST_PROXY: "true",
      RATE_LIMIT_LOGIN_PER_ACCOUNT: String(LIMIT),
      RATE_LIMIT_PASSWORD_CHANGE: String(LIMIT),
    });
  });

  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) await attachOutput(testInfo, server);
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  // Addresses from 100.64.0.0/10, which no other test file uses (the rate-limit table is shared).
  let ipCounter = 0;
  const freshIp = () => {
    ipCounter += 1;
    return `100.64.${Math.floor(ipCounter / 250) % 256}.${(ipCounter % 250) + 1}`;
  };

  const loginFailures = async (userId: string) =>
    (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuthEvent" WHERE "userId" = $1 AND type = 'LOGIN_FAILURE'`, [userId]))[0]!.n;

  /** Each answer is 401 (a password was checked), or 429 with Retry-After; never anything else. */
  function expectLimited(answers: Answer[], wrongStatusError: string, label: string) {
    const statuses = answers.map((a) => a.status);
    const summary = `${label}: ${tally(statuses)}`;
    console.log(`[${STRATEGY}] ${summary}`);
    expect(statuses.filter((s) => s >= 500), summary).toEqual([]);
    const checked = answers.filter((a) => a.status === 401);
    expect(checked.length, summary).toBeLessThanOrEqual(LIMIT);
    for (const a of checked) expect(a.error, summary).toBe(wrongStatusError);
    const limited = answers.filter((a) => a.status === 429);
    expect(checked.length + limited.length, summary).toBe(answers.length);
    for (const a of limited) expect(Number(a.retryAfter), summary).toBeGreaterThan(0);
  }

  test("parallel wrong passwords cannot exceed the login limit, and never cause a 5xx", async () => {
    const user = await createUser(server.url);
    try {
      const answers = await Promise.all(Array.from({ length: BURST }, () => login(server.url, user, "a wrong password", freshIp())));
      expectLimited(answers, "Invalid email or password", `${BURST} parallel wrong passwords, limit ${LIMIT}`);
      // Each password check that ran is on record; no more of them than the limit allows.
      const failures = await loginFailures(user.id);
      console.log(`[${STRATEGY}] LOGIN_FAILURE events: ${failures}`);
      expect(failures).toBeGreaterThan(0);
      expect(failures).toBeLessThanOrEqual(LIMIT);
    } finally {
      await deleteUsers([user.id]);
    }
  });

  test("the right password inside a burst does not get through once the login limit is reached", async () => {
    const user = await createUser(server.url);
    try {
      // The right password goes out as soon as LIMIT answers are in: each of those was a counted
      // failure or a refusal because the limit had been reached, so either way it has been.
      const firstAnswers: number[] = [];
      let limitReached: () => void = () => {};
      const released = new Promise<void>((resolve) => (limitReached = resolve));
      const wrong = Array.from({ length: BURST }, () =>
        login(server.url, user, "a wrong password", freshIp()).then((answer) => {
          if (firstAnswers.push(answer.status) === LIMIT) limitReached();
          return answer;
        }),
      );
      const right = released.then(() => login(server.url, user, user.password, freshIp()));
      const [rightAnswer, ...wrongAnswers] = await Promise.all([right, ...wrong]);
      // And once the burst is over, the account is still locked.
      const afterBurst = await login(server.url, user, user.password, freshIp());
      console.log(
        `[${STRATEGY}] right password sent after the first ${LIMIT} answers (${tally(firstAnswers.slice(0, LIMIT))}): ${rightAnswer!.status}; after the burst: ${afterBurst.status}`,
      );
      expect.soft(rightAnswer!.status, "the right password, sent once the limit was reached").toBe(429);
      expect.soft(afterBurst.status, "the right password, after the burst").toBe(429);
      expectLimited(wrongAnswers, "Invalid email or password", `${BURST} parallel wrong passwords around the right one, limit ${LIMIT}`);
    } finally {
      await deleteUsers([user.id]);
    }
  });

  test("parallel wrong current passwords cannot exceed the password-change limit, and never cause a 5xx", async () => {
    const user = await createUser(server.url);
    try {
      const device = await signIn(server.url, user);
      const change = (currentPassword: string) =>
        call(server.url, "/api/auth/password", { cookie: device, ip: freshIp(), body: { currentPassword, newPassword: `new-${randomUUID()}` } });
      const answers = await Promise.all(Array.from({ length: BURST }, () => change("a wrong guess")));
      expectLimited(answers, "Your current password is not correct.", `${BURST} parallel wrong current passwords, limit ${LIMIT}`);
      expect(answers.some((a) => a.status === 401)).toBe(true);
      // The limit is reached: the right one is refused too, and the session lives on.
      expect((await change(user.password)).status).toBe(429);
      expect(await sessionStatus(server.url, device)).toBe(200);
    } finally {
      await deleteUsers([user.id]);
    }
  });
});
