// A revocation across two instances (tests/api/two-instances.spec.ts, measured rather than
// asserted): sign in on one instance, let both serve the session (so any cache holds it), log out
// on the first, then ask the second every few milliseconds until it refuses the cookie.

export type RevocationResult = {
  /** The instance that logged out refused the cookie on the next request. */
  sameInstanceAtOnce: boolean;
  /** Milliseconds from the logout's answer to the second instance's first 401; null: never within the limit. */
  otherInstanceMs: number | null;
  /** Requests the second instance still answered 200 after the logout. */
  servedAfterLogout: number;
};

const POLL_MS = 5;
const GIVE_UP_MS = 5000;

async function sessionStatus(base: string, cookie: string): Promise<number> {
  const response = await fetch(`${base}/api/auth/session`, { headers: { cookie } });
  await response.arrayBuffer();
  return response.status;
}

export async function measureRevocation(first: string, second: string, user: { email: string; password: string }, cookieName: string): Promise<RevocationResult> {
  const login = await fetch(`${first}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
  const cookie = login.headers.getSetCookie().find((line) => line.startsWith(`${cookieName}=`))?.split(";")[0];
  await login.arrayBuffer();
  if (login.status !== 200 || !cookie) throw new Error(`revocation check: login answered ${login.status}`);
  for (let i = 0; i < 3; i++) {
    for (const base of [first, second]) {
      const status = await sessionStatus(base, cookie);
      if (status !== 200) throw new Error(`revocation check: a fresh session answered ${status} on ${base}`);
    }
  }
  const logout = await fetch(`${first}/api/auth/logout`, { method: "POST", headers: { cookie } });
  await logout.arrayBuffer();
  const loggedOutAt = performance.now();
  const sameInstanceAtOnce = (await sessionStatus(first, cookie)) === 401;
  let servedAfterLogout = 0;
  while (performance.now() - loggedOutAt < GIVE_UP_MS) {
    const status = await sessionStatus(second, cookie);
    if (status === 401) return { sameInstanceAtOnce, otherInstanceMs: performance.now() - loggedOutAt, servedAfterLogout };
    servedAfterLogout++;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { sameInstanceAtOnce, otherInstanceMs: null, servedAfterLogout };
}
