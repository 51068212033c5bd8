import type { RunningServer } from "@/tests/support/server";
import type { Strategy } from "./seed";
import { cacheDelta, readCacheStats, residentMiB, type CacheDelta, type CacheStats } from "./server-stats";
import { HOT_FRACTION, runSpread, type SpreadResult } from "./spread-load";

// The scale table (bench/README.md): GET /api/auth/session with 1, 1,000 and 100,000 distinct
// sessions, requests spread uniformly and skewed, against /api/health in the same round.

export type ScaleApp = {
  strategy: Strategy;
  server: RunningServer;
  /**
   * The first N of the strategy's seeded cookie values, one a line, user-major (bench/seed.ts):
   * one file per population size, so a run reads only its own.
   */
  cookieFile: (sessions: number) => string;
  sessionsPerUser: number;
  /** Whether GET /api/ping (outside the proxy) answers 200 on this build. */
  hasPing: boolean;
};

export type ScaleRow = { label: string; sessions: number; pick: "uniform" | "skewed" };

/** One row per population size, uniform; the largest also skewed (it needs 100 sessions for a hot 1%). */
export function scaleRows(counts: number[]): ScaleRow[] {
  const sorted = [...new Set(counts)].sort((a, b) => a - b);
  const largest = sorted.at(-1)!;
  const skewed = largest * HOT_FRACTION >= 1 && sorted.length > 0;
  const rows: ScaleRow[] = sorted.map((sessions) => ({
    label: sessions === largest && skewed ? `${sessions.toLocaleString("en-US")} uniform` : sessions.toLocaleString("en-US"),
    sessions,
    pick: "uniform",
  }));
  if (skewed) rows.push({ label: `${largest.toLocaleString("en-US")} skewed`, sessions: largest, pick: "skewed" });
  return rows;
}

export type WarmUp = {
  strategy: Strategy;
  row: string;
  /** Which sessions were asked for, once each. */
  plan: string;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  errors: number;
  /** Hits and misses during the warm-up: the cold cache's cost. Null: the server prints no stats. */
  caches: Record<string, CacheDelta> | null;
};

export type ScaleRound = {
  round: number;
  health: SpreadResult;
  session: SpreadResult;
  /** GET /api/ping in the same round (smallest row only, where the route exists). */
  ping: SpreadResult | null;
  /** The caches between just before and just after the session run. */
  caches: Record<string, CacheDelta> | null;
  /** The server's resident memory right after the session run, MiB. */
  rssMiB: number | null;
};

export type ScaleCell = { strategy: Strategy; row: ScaleRow; rounds: ScaleRound[] };

export type ScaleOptions = {
  rows: ScaleRow[];
  rounds: number;
  durationSeconds: number;
  connections: number;
  cookieName: string;
  log: (message: string) => void;
  /**
   * Around the warm-ups, which run for every strategy at once: the caller lets the servers use
   * every core meanwhile, then pins them back for the timed rounds.
   */
  beforeWarmUp?: () => void;
  afterWarmUp?: () => void;
};

// Warm-up asks many requests at once: the server's core is the limit either way, and the misses'
// database round trips overlap.
const WARM_UP_CONNECTIONS = 64;

/** The largest cache's cap, when the server says: beyond it, warming more sessions changes nothing. */
function capOf(stats: CacheStats | null): number | null {
  if (!stats) return null;
  const caps = Object.values(stats).map((cache) => cache.maxEntries);
  return caps.length > 0 ? Math.max(...caps) : null;
}

/**
 * Which sessions a warm-up asks for, once each, so the timed runs see the cache a server has after
 * a while of this traffic rather than a cold one.
 * - skewed: the hot sessions (the rest of the population was warmed by the uniform row before).
 * - redis: one session per user; the process caches users only (sessions are read from Redis
 *   on every request), so the other sessions would warm nothing.
 * - database, cookie: every session, or when the server reports a cap C below N the last C
 *   only: a cache evicting its oldest entries ends in the same state either way (C of the N
 *   sessions, each as likely as any other), at C requests' cost instead of N.
 */
function warmUpPlan(app: ScaleApp, row: ScaleRow, cap: number | null): { amount: number; start: number; stride: number; plan: string } {
  if (row.pick === "skewed") {
    const hot = Math.max(1, Math.floor(row.sessions * HOT_FRACTION));
    return { amount: hot, start: 0, stride: 1, plan: `the ${hot.toLocaleString("en-US")} hot sessions` };
  }
  if (app.strategy === "redis") {
    const users = Math.ceil(row.sessions / app.sessionsPerUser);
    return { amount: users, start: 0, stride: app.sessionsPerUser, plan: `one session of each of the ${users.toLocaleString("en-US")} users` };
  }
  if (cap !== null && cap < row.sessions) {
    return { amount: cap, start: row.sessions - cap, stride: 1, plan: `the last ${cap.toLocaleString("en-US")} (the cap) of ${row.sessions.toLocaleString("en-US")}` };
  }
  return { amount: row.sessions, start: 0, stride: 1, plan: `all ${row.sessions.toLocaleString("en-US")}` };
}

async function warmUp(app: ScaleApp, row: ScaleRow, options: ScaleOptions): Promise<WarmUp> {
  const before = await readCacheStats(app.server);
  const plan = warmUpPlan(app, row, capOf(before));
  options.log(`warm-up: ${app.strategy}, ${row.label}: ${plan.plan}, once each`);
  const result = await runSpread(`${app.server.url}/api/auth/session`, {
    connections: Math.min(WARM_UP_CONNECTIONS, plan.amount),
    amount: plan.amount,
    pick: "each",
    start: plan.start,
    stride: plan.stride,
    cookies: { file: app.cookieFile(row.sessions), count: row.sessions, name: options.cookieName },
    serverPid: app.server.process.pid,
  });
  // A seeded cookie the server refuses would make every figure below meaningless.
  if (result.errors > 0) throw new Error(`warm-up: ${app.strategy} answered ${result.errors} of ${plan.amount} seeded sessions with an error`);
  const after = await readCacheStats(app.server);
  return {
    strategy: app.strategy,
    row: row.label,
    plan: plan.plan,
    requests: result.totalRequests,
    seconds: result.seconds,
    requestsPerSecond: result.requestsPerSecond,
    errors: result.errors,
    caches: cacheDelta(before, after),
  };
}

export async function runScale(apps: ScaleApp[], options: ScaleOptions): Promise<{ cells: ScaleCell[]; warmUps: WarmUp[] }> {
  const cells: ScaleCell[] = [];
  const warmUps: WarmUp[] = [];
  const smallest = Math.min(...options.rows.map((row) => row.sessions));
  for (const row of options.rows) {
    // Untimed, so every strategy warms at once: at 100,000 sessions each warm-up is minutes of
    // cache misses, and one after the other they would not fit the bench's ten minutes.
    options.beforeWarmUp?.();
    try {
      const results = await Promise.all(apps.map((app) => warmUp(app, row, options)));
      warmUps.push(...results);
    } finally {
      options.afterWarmUp?.();
    }
    for (const app of apps) cells.push({ strategy: app.strategy, row, rounds: [] });
    // Rounds interleave the strategies, and each session run follows its own public baseline, so
    // a slow minute of the machine lands on both sides of a ratio.
    for (let round = 1; round <= options.rounds; round++) {
      for (const app of apps) {
        const cell = cells.find((c) => c.strategy === app.strategy && c.row === row)!;
        options.log(`round ${round}: ${app.strategy}, ${row.label} (${options.connections} connections, ${options.durationSeconds} s each)`);
        const common = { connections: options.connections, durationSeconds: options.durationSeconds, serverPid: app.server.process.pid };
        const health = await runSpread(`${app.server.url}/api/health`, { ...common, pick: "none" });
        const before = await readCacheStats(app.server);
        const session = await runSpread(`${app.server.url}/api/auth/session`, {
          ...common,
          pick: row.pick,
          cookies: { file: app.cookieFile(row.sessions), count: row.sessions, name: options.cookieName },
        });
        const after = await readCacheStats(app.server);
        const rssMiB = residentMiB(app.server.process.pid);
        const ping = app.hasPing && row.sessions === smallest ? await runSpread(`${app.server.url}/api/ping`, { ...common, pick: "none" }) : null;
        cell.rounds.push({ round, health, session, ping, caches: cacheDelta(before, after), rssMiB });
      }
    }
  }
  return { cells, warmUps };
}

const MIN_JIT_PASSES = 6;
// Eight at most: the passes differ by 2–15% from one to the next in a quiet run (load-generator
// noise more than JIT), so the 3% test rarely ends them early; passes 9 and 10 cost 26 s of the
// ten minutes the default run must fit in (issue 16).
const MAX_JIT_PASSES = 8;

/** One untimed pass: /api/health, then the session route with one session, on each server; the summed rate. */
async function jitPass(apps: ScaleApp[], options: { connections: number; cookieName: string }): Promise<number> {
  let total = 0;
  for (const app of apps) {
    const common = { connections: options.connections, durationSeconds: 2 };
    total += (await runSpread(`${app.server.url}/api/health`, { ...common, pick: "none" })).requestsPerSecond;
    const cookies = { file: app.cookieFile(1), count: 1, name: options.cookieName };
    total += (await runSpread(`${app.server.url}/api/auth/session`, { ...common, pick: "uniform", cookies })).requestsPerSecond;
  }
  return total;
}

/** Two untimed passes once the servers are pinned, right before the first timed row; their summed rates. */
export async function settlePinned(apps: ScaleApp[], options: { connections: number; cookieName: string }): Promise<number[]> {
  const rates: number[] = [];
  for (let pass = 0; pass < 2; pass++) rates.push(Math.round(await jitPass(apps, options)));
  return rates;
}

/** What the JIT warm-up did, for the results file: a run whose passes never settled says so. */
export type JitWarmUp = { passes: number; settled: boolean; lastChange: number; pinnedPassRates: number[] };

/** Untimed passes (/api/health, and the session route with one session) until the rate settles (6 to 8). */
export async function warmUpJit(
  apps: ScaleApp[],
  options: { connections: number; cookieName: string; log: (message: string) => void },
): Promise<Omit<JitWarmUp, "pinnedPassRates">> {
  const pass = () => jitPass(apps, options);
  // Six passes at least (~70 s for three servers, most of it while seeding runs): with three,
  // /api/health in the first timed row still ran at half the rate it reached later (JIT, not
  // the app: the rate of the passes kept rising for a minute). Then until a pass is within 3%
  // of the one before, eight at most.
  let previous = await pass();
  let change = Number.NaN;
  for (let passes = 2; passes <= MAX_JIT_PASSES; passes++) {
    const current = await pass();
    change = Math.abs(current - previous) / previous;
    options.log(`pass ${passes}: ${(change * 100).toFixed(1)}% from the pass before`);
    if (passes >= MIN_JIT_PASSES && change < 0.03) return { passes, settled: true, lastChange: change };
    previous = current;
  }
  options.log(`stopped at ${MAX_JIT_PASSES} passes without settling within 3%`);
  return { passes: MAX_JIT_PASSES, settled: false, lastChange: change };
}
