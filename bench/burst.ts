import { randomBytes } from "node:crypto";
import { runLoad, type LoadResult } from "./load";

export type BurstResult = {
  /** An authenticated GET under light load, with nothing else going on. */
  quiet: LoadResult;
  /** The same GET while `inFlight` password logins run without pause. */
  underBurst: LoadResult;
  /** Logins the burst completed, by status (401: a bcrypt comparison ran; 429: refused before one). */
  logins: Record<string, number>;
  loginsPerSecond: number;
};

export type BurstOptions = { cookie: string; durationSeconds: number; inFlight: number; serverPid?: number };

/**
 * What a burst of logins does to everybody else (issue 10): p50/p99 of `GET /api/auth/session`
 * for a signed-in user, quiet and while `inFlight` logins with wrong passwords for made-up
 * accounts run back to back. Each login uses its own email, so no rate limit cuts the burst
 * short: every one costs a full bcrypt comparison (the dummy hash), as credential stuffing does.
 */
export async function runBurst(baseUrl: string, options: BurstOptions): Promise<BurstResult> {
  const target = `${baseUrl}/api/auth/session`;
  const load = { connections: 4, durationSeconds: options.durationSeconds, headers: { cookie: options.cookie }, serverPid: options.serverPid };
  const quiet = await runLoad(target, load);

  const logins: Record<string, number> = {};
  let stop = false;
  const loop = async () => {
    while (!stop) {
      const response = await fetch(`${baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `burst-${randomBytes(6).toString("hex")}@cloakroom.test`, password: "not the password" }),
      }).catch(() => null);
      await response?.arrayBuffer();
      const key = response ? String(response.status) : "error";
      logins[key] = (logins[key] ?? 0) + 1;
    }
  };
  const startedAt = performance.now();
  const loops = Array.from({ length: options.inFlight }, loop);
  // The burst gets a head start, so the measurement starts with the queue already full.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const underBurst = await runLoad(target, load);
  stop = true;
  await Promise.all(loops);
  const completed = Object.values(logins).reduce((sum, n) => sum + n, 0);
  return { quiet, underBurst, logins, loginsPerSecond: completed / ((performance.now() - startedAt) / 1000) };
}
