import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createPrismaClient } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { SESSION_COOKIE_NAMES } from "@/lib/session/cookie";
import { createTestDatabase } from "@/tests/support/database";
import { startNextServer, type RunningServer } from "@/tests/support/server";
import { runBurst, type BurstResult } from "./burst";
import { runLoad, type LoadResult } from "./load";
import { runMicroBenchmarks, type MicroResult } from "./micro";
import { runPaired, type PairedResult } from "./paired";
import {
  printBurstTable,
  printHttpTable,
  printMicroTable,
  printPairedTable,
  printPingTable,
  printRevocationTable,
  printScaleTable,
  printSeedTable,
  printWarmUpTable,
  summarise,
  summariseScale,
  type Target,
} from "./report";
import { measureRevocation, type RevocationResult } from "./revocation";
import { runScale, scaleRows, settlePinned, warmUpJit, type JitWarmUp, type ScaleApp, type ScaleCell, type WarmUp } from "./scale";
import { deleteRedisSessions, seedSessions, seedUsers, type SeedTiming, type SeededUser } from "./seed";

// `npm run bench`: what authentication costs per request, as a ratio of the same server's public
// routes in the same run (bench/README.md). Loopback only; every process started here is stopped here.

const ROOT = path.resolve(import.meta.dirname, "..");
// The bench runs `next start` (production), so the production name.
const COOKIE = SESSION_COOKIE_NAMES.production;

const sessionCounts = z
  .string()
  .transform((value) => value.split(",").map((n) => Number(n.trim().replace(/_/g, ""))))
  .pipe(z.array(z.number().int().min(1).max(1_000_000)).min(1));

const Options = z.object({
  duration: z.coerce.number().int().min(1).max(120),
  connections: z.coerce.number().int().min(1).max(1024),
  rounds: z.coerce.number().int().min(1).max(10),
  strategies: z.string().transform((value) => value.split(",")).pipe(z.array(z.enum(["database", "cookie", "redis"])).min(1)),
  sessions: sessionCounts,
  sessionsPerUser: z.coerce.number().int().min(1).max(1000),
  build: z.boolean(),
  micro: z.boolean(),
  scale: z.boolean(),
  pages: z.boolean(),
  paired: z.boolean(),
  burst: z.boolean(),
  seedStore: z.boolean(),
  profile: z.boolean(),
  targets: z.string().optional().transform((value) => value?.split(",")),
  bcryptCost: z.coerce.number().int().min(10).max(15),
});

function readOptions() {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "2" },
      connections: { type: "string", default: "32" },
      rounds: { type: "string", default: "3" },
      strategies: { type: "string", default: "database,cookie,redis" },
      sessions: { type: "string", default: "1,1000,100000" },
      "no-build": { type: "boolean", default: false },
      "no-micro": { type: "boolean", default: false },
      "no-scale": { type: "boolean", default: false },
      pages: { type: "boolean", default: false },
      paired: { type: "boolean", default: false },
      burst: { type: "boolean", default: false },
      "seed-store": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      targets: { type: "string" },
    },
  });
  const parsed = Options.safeParse({
    ...values,
    build: !values["no-build"],
    micro: !values["no-micro"],
    scale: !values["no-scale"],
    seedStore: values["seed-store"],
    // The app's default cap (MAX_SESSIONS_PER_USER): 100,000 sessions are 10,000 users'.
    sessionsPerUser: "10",
    bcryptCost: process.env.BCRYPT_COST || "12",
  });
  if (!parsed.success) {
    console.error(`bench: ${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  return parsed.data;
}

function step(message: string) {
  console.log(`\n▸ ${message}`);
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code}):\n${output}`))));
  });
}

type Strategy = "database" | "cookie" | "redis";

// The redis strategy's server (sessions and its rate limits) uses REDIS_URL, else the machine's
// Redis, logical database 5. Keys of the bench's users only; they expire on their own.
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379/5";
type App = { strategy: Strategy; server: RunningServer; cookie: string; userId: string; email: string; password: string };

async function signUp(server: RunningServer, strategy: Strategy): Promise<Omit<App, "strategy" | "server">> {
  const email = `bench-${strategy}-${randomBytes(4).toString("hex")}@cloakroom.test`;
  const password = randomBytes(12).toString("base64url");
  const response = await fetch(`${server.url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "Bench" }),
  });
  const body = (await response.json()) as { user?: { id: string } };
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`))?.split(";")[0];
  if (response.status !== 201 || !cookie || !body.user) throw new Error(`signup failed: ${response.status} ${JSON.stringify(body)}`);
  return { cookie, userId: body.user.id, email, password };
}

/** Every authenticated target must prove it authenticates before it is timed. */
async function preCheck(app: App, target: Target) {
  const url = `${app.server.url}${target.path}`;
  const withCookie = await fetch(url, { headers: { cookie: app.cookie }, redirect: "manual" });
  const text = await withCookie.text();
  if (withCookie.status !== 200) throw new Error(`${target.path} with the cookie answered ${withCookie.status}`);
  if (!target.authenticated) return;
  if (!text.includes(app.email)) throw new Error(`${target.path} did not show the signed-in user`);
  const without = await fetch(url, { redirect: "manual" });
  await without.arrayBuffer();
  const refused = without.status === 401 || (without.status === 307 && without.headers.get("location")?.startsWith("/login"));
  if (!refused) throw new Error(`${target.path} without the cookie answered ${without.status}: it does not authenticate`);
}

// As many logins in flight as the review's burst on one account (issue 10).
const BURST_IN_FLIGHT = 40;

const ALL_TARGETS: Target[] = [
  { name: "public API route", path: "/api/health", authenticated: false },
  { name: "GET /api/auth/session", path: "/api/auth/session", authenticated: true, baseline: "/api/health" },
  { name: "public page /", path: "/", authenticated: false },
  { name: "protected page /dashboard", path: "/dashboard", authenticated: true, baseline: "/" },
];

/**
 * With two or more cores and Linux's taskset: the server on core 0, this process (the embedded
 * database) and the load generator on core 1. Neither steals the other's core mid-run, which
 * otherwise swings a 5-second run by a quarter. Elsewhere, the scheduler decides.
 */
function pinCores(servers: RunningServer[], placement: { servers: string; bench: string } = { servers: "0", bench: "1" }): boolean {
  if (os.cpus().length < 2 || os.platform() !== "linux") return false;
  try {
    for (const server of servers) execFileSync("taskset", ["-a", "-cp", placement.servers, String(server.process.pid)], { stdio: "ignore" });
    execFileSync("taskset", ["-a", "-cp", placement.bench, String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Every process of the bench free to run on any core (untimed warm-ups). */
function unpinCores(servers: RunningServer[]) {
  const all = `0-${os.cpus().length - 1}`;
  pinCores(servers, { servers: all, bench: all });
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    // A run of uncommitted code says so: its figures belong to no commit.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return null;
  }
}

/** The seeded sessions work: the first and the last cookie show their own user on every server. */
async function checkSeeded(app: App, cookies: string[], users: SeededUser[], sessionsPerUser: number) {
  for (const index of [0, cookies.length - 1]) {
    const response = await fetch(`${app.server.url}/api/auth/session`, { headers: { cookie: `${COOKIE}=${cookies[index]}` } });
    const body = (await response.json()) as { user?: { id: string } };
    const owner = users[Math.floor(index / sessionsPerUser)]!.id;
    if (response.status !== 200 || body.user?.id !== owner) throw new Error(`${app.strategy}: seeded session ${index} answered ${response.status} ${JSON.stringify(body)}`);
  }
}

async function main() {
  const options = readOptions();
  // A subset (`--targets /api/auth/session`) is for profiling one path; ratios need the baselines.
  const TARGETS = options.targets ? ALL_TARGETS.filter((target) => options.targets?.includes(target.path)) : ALL_TARGETS;
  const startedAt = new Date();
  const elapsed = () => `${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`;
  const databaseKind = process.env.DATABASE_URL ? "postgresql" : "embedded";
  const apps: App[] = [];
  let drop: (() => Promise<void>) | undefined;
  const tempDir = mkdtempSync(path.join(os.tmpdir(), "cloakroom-bench-"));
  // Seeded Redis sessions are deleted at the end (bench/seed.ts), whatever happened.
  const seededRedis: Array<{ users: SeededUser[]; cookies: string[] }> = [];

  try {
    if (options.build) {
      step("next build");
      await build();
    }
    step(`fresh ${databaseKind} database (${elapsed()})`);
    const database = await createTestDatabase("bench");
    drop = database.drop;
    const secret = randomBytes(32).toString("base64url");

    let micro: MicroResult[] = [];
    let jitPasses: Omit<JitWarmUp, "pinnedPassRates"> | null = null;
    let pinnedPassRates: number[] = [];
    const serverEnv = (strategy: Strategy) => ({
      DATABASE_URL: database.url,
      SESSION_SECRET: secret,
      SESSION_STRATEGY: strategy,
      BCRYPT_COST: String(options.bcryptCost),
      // Only the redis strategy's server: the others measure PostgreSQL alone, as before.
      ...(strategy === "redis" ? { REDIS_URL } : {}),
    });
    for (const strategy of options.strategies) {
      step(`next start, SESSION_STRATEGY=${strategy}`);
      const server = await startNextServer({
        ...serverEnv(strategy),
        // Next's switch for V8's sampling profiler (`next start --experimental-cpu-prof`): saved
        // to .next-profiles/ as the server stops (bench/README.md, reading a profile).
        ...(options.profile ? { NEXT_CPU_PROF: "1" } : {}),
      });
      apps.push({ strategy, server, ...(await signUp(server, strategy)) });
    }

    step("checking that every authenticated target authenticates");
    const checked = options.pages || options.paired ? TARGETS : TARGETS.filter((target) => target.path.startsWith("/api/"));
    for (const app of apps) for (const target of checked) await preCheck(app, target);

    // The scale table's population, made by each strategy's own store before anything is pinned,
    // so seeding may use every core. Meanwhile the servers get their JIT warm-up (untimed; with
    // the signed-up user's session): the two overlap, which saves most of a minute.
    const population = Math.max(...options.sessions);
    const seeds: SeedTiming[] = [];
    let seededUsers = { count: 0, seconds: 0 };
    const scaleApps: ScaleApp[] = [];
    const seedAll = async () => {
      const db = createPrismaClient(database.url);
      try {
        const userCount = Math.ceil(population / options.sessionsPerUser);
        const t = performance.now();
        const users = await seedUsers(db, userCount, options.bcryptCost);
        seededUsers = { count: userCount, seconds: (performance.now() - t) / 1000 };
        const sizes = [...new Set([1, ...options.sessions])];
        // One strategy after the other: at once, the cookie strategy's sealing starves the others'
        // calls on this one event loop, and the whole takes longer.
        for (const app of apps) {
          // The server's own configuration, parsed by the server's own code: same lifetimes and cap.
          const env = parseEnv({ NODE_ENV: "production", ...serverEnv(app.strategy) });
          const started = performance.now();
          const { cookies, method } = await seedSessions(app.strategy, { db, env, users, sessionsPerUser: options.sessionsPerUser, concurrency: 32, bulkDatabaseRows: !options.seedStore });
          seeds.push({ strategy: app.strategy, sessions: cookies.length, method, seconds: (performance.now() - started) / 1000 });
          if (app.strategy === "redis") seededRedis.push({ users, cookies });
          console.log(`  ${app.strategy}: ${cookies.length.toLocaleString("en-US")} sessions, ${method}, ${seeds.at(-1)!.seconds.toFixed(1)} s`);
          await checkSeeded(app, cookies, users, options.sessionsPerUser);
          // One file per population size: a run reads its own N cookies, not all of them.
          const files = new Map(sizes.map((size) => [size, path.join(tempDir, `${app.strategy}-${size}.cookies`)]));
          for (const [size, file] of files) writeFileSync(file, cookies.slice(0, size).join("\n"));
          const ping = await fetch(`${app.server.url}/api/ping`);
          await ping.arrayBuffer();
          scaleApps.push({ strategy: app.strategy, server: app.server, cookieFile: (size) => files.get(size)!, sessionsPerUser: options.sessionsPerUser, hasPing: ping.status === 200 });
        }
      } finally {
        await db.$disconnect();
      }
    };
    if (options.scale) {
      const jitApps: ScaleApp[] = apps.map((app) => {
        const file = path.join(tempDir, `${app.strategy}-signup.cookies`);
        writeFileSync(file, app.cookie.slice(COOKIE.length + 1));
        return { strategy: app.strategy, server: app.server, cookieFile: () => file, sessionsPerUser: options.sessionsPerUser, hasPing: false };
      });
      step(
        `seeding ${Math.ceil(population / options.sessionsPerUser).toLocaleString("en-US")} users, ${options.sessionsPerUser} sessions each, per strategy; ` +
          `meanwhile JIT warm-up: untimed passes over /api/health and /api/auth/session until the request rate settles (${elapsed()})`,
      );
      // V8 keeps optimising Next's request path for tens of seconds of load: without the passes
      // the first rows would measure the JIT.
      [, jitPasses] = await Promise.all([seedAll(), warmUpJit(jitApps, { connections: options.connections, cookieName: COOKIE, log: (message) => console.log(`  JIT warm-up ${message}`) })]);
      printSeedTable(seeds, seededUsers);
    }

    const servers = apps.map((app) => app.server);
    const pinned = pinCores(servers);
    step(pinned ? "pinned: servers on core 0, database and load generator on core 1" : "not pinned to cores (needs Linux, taskset, 2 cores)");

    if (options.micro) {
      step(`micro-benchmarks (in this process) (${elapsed()})`);
      const db = createPrismaClient(database.url);
      micro = await runMicroBenchmarks({
        db,
        secret,
        bcryptCost: options.bcryptCost,
        userId: apps[0]!.userId,
        // Half a second an operation: the figures are steady to a few percent at that, and the
        // table's 16 rows then take ~10 s of the default run's ten minutes instead of ~20.
        budgetMs: 500,
        redisUrl: options.strategies.includes("redis") ? REDIS_URL : undefined,
      });
      await db.$disconnect();
      printMicroTable(micro);
    }

    let scale: { cells: ScaleCell[]; warmUps: WarmUp[] } = { cells: [], warmUps: [] };
    if (options.scale) {
      if (pinned) {
        // Two more untimed passes on the pinned core, as the timed rows run: the unpinned passes
        // above share the cores with seeding, and without these the first row's /api/health ran
        // at two thirds of its later rate, still rising from round to round.
        step(`JIT warm-up, pinned: two passes (${elapsed()})`);
        pinnedPassRates = await settlePinned(scaleApps, { connections: options.connections, cookieName: COOKIE });
      }
      scale = await runScale(scaleApps, {
        rows: scaleRows(options.sessions),
        rounds: options.rounds,
        durationSeconds: options.duration,
        connections: options.connections,
        cookieName: COOKIE,
        log: (message) => step(`${message} (${elapsed()})`),
        beforeWarmUp: () => pinned && unpinCores(servers),
        afterWarmUp: () => pinned && pinCores(servers),
      });
    }

    // The former main table, behind --pages: every target (pages too) with the signed-up user's one session.
    const runs: Array<{ strategy: Strategy; target: Target; round: number; result: LoadResult }> = [];
    if (options.pages) {
      const load = { connections: options.connections, durationSeconds: options.duration };
      const pass = async () => {
        let total = 0;
        for (const app of apps) {
          for (const target of TARGETS) {
            const headers = target.authenticated ? { cookie: app.cookie } : undefined;
            total += (await runLoad(`${app.server.url}${target.path}`, { ...load, durationSeconds: 2, headers })).requestsPerSecond;
          }
        }
        return total;
      };
      step("pages: untimed passes over every target until the request rate settles");
      let previous = await pass();
      for (let passes = 2; passes <= 4; passes++) {
        const current = await pass();
        const change = Math.abs(current - previous) / previous;
        console.log(`  pass ${passes}: ${(change * 100).toFixed(1)}% from the pass before`);
        if (change < 0.05) break;
        previous = current;
      }
      // Rounds interleave every target of every strategy; each authenticated target runs right
      // after its public baseline, and its ratio is taken per round, from that pair.
      for (let round = 1; round <= options.rounds; round++) {
        for (const app of apps) {
          for (const target of TARGETS) {
            step(`pages round ${round}: ${app.strategy} ${target.path} (${options.connections} connections, ${options.duration} s)`);
            // Public targets go without the cookie: the ceiling is a request with no session work.
            const headers = target.authenticated ? { cookie: app.cookie } : undefined;
            const result = await runLoad(`${app.server.url}${target.path}`, { ...load, headers, serverPid: app.server.process.pid });
            runs.push({ strategy: app.strategy, target, round, result });
          }
        }
      }
    }

    // The same comparison measured another way: one connection, alternating requests.
    const paired: Array<{ strategy: Strategy; target: string; baseline: string; result: PairedResult }> = [];
    if (options.paired) {
      for (const app of apps) {
        for (const target of TARGETS) {
          if (!target.baseline || !TARGETS.some((other) => other.path === target.baseline)) continue;
          step(`paired: ${app.strategy} ${target.baseline} / ${target.path}, one connection`);
          const pairs = target.path.startsWith("/api/") ? 2000 : 400;
          const result = await runPaired(app.server.url, { path: target.baseline }, { path: target.path, headers: { cookie: app.cookie } }, pairs);
          paired.push({ strategy: app.strategy, target: target.path, baseline: target.baseline, result });
        }
      }
    }

    // Last but one, so the logins it makes (and their rate-limit rows) touch no other measurement.
    const bursts: Array<{ strategy: Strategy; inFlight: number; result: BurstResult }> = [];
    if (options.burst) {
      for (const app of apps) {
        step(`login burst: ${app.strategy}, GET /api/auth/session quiet and during ${BURST_IN_FLIGHT} parallel logins`);
        const result = await runBurst(app.server.url, { cookie: app.cookie, durationSeconds: Math.max(options.duration, 3), inFlight: BURST_IN_FLIGHT, serverPid: app.server.process.pid });
        bursts.push({ strategy: app.strategy, inFlight: BURST_IN_FLIGHT, result });
      }
    }

    // A logout on one instance, then how long until a second instance of the same strategy (same
    // database, same Redis) refuses the cookie: the same check as tests/api/two-instances.spec.ts.
    // After the scale table, so with its whole population of sessions in the store (issue 16, item 5).
    const revocations: Array<{ strategy: Strategy; result: RevocationResult }> = [];
    for (const app of apps) {
      step(`two-instance revocation: ${app.strategy}, logout on one, polling the other (${elapsed()})`);
      const second = await startNextServer(serverEnv(app.strategy));
      try {
        revocations.push({ strategy: app.strategy, result: await measureRevocation(app.server.url, second.url, { email: app.email, password: app.password }, COOKIE) });
      } finally {
        await second.stop();
      }
    }

    const scaleRowsSummary = summariseScale(scale.cells);
    if (options.scale) {
      printWarmUpTable(scale.warmUps);
      printScaleTable(scaleRowsSummary, { databaseKind, pinned, ...options });
      printPingTable(scaleRowsSummary, options.strategies);
    }
    const rows = summarise(runs, TARGETS);
    if (options.pages) printHttpTable(rows, { databaseKind, pinned, ...options });
    printPairedTable(paired);
    if (bursts.length > 0) printBurstTable(bursts);
    printRevocationTable(revocations, options.scale ? population : undefined);

    const file = path.join(ROOT, "bench/results", `${startedAt.toISOString().replace(/[:.]/g, "-")}-${databaseKind}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
    writeFileSync(
      file,
      `${JSON.stringify(
        { startedAt, commit: gitCommit(), databaseKind, options, pinned, machine, scale: { summary: scaleRowsSummary, seededUsers, seeds, jit: jitPasses && { ...jitPasses, pinnedPassRates }, warmUps: scale.warmUps, cells: scale.cells }, http: rows, paired, bursts, revocations, runs, micro },
        null,
        2,
      )}\n`,
    );
    if (options.profile) console.log("CPU profiles: .next-profiles/ (one per server, in the order of the strategies, as they stop)");
    console.log(`\nResults: ${path.relative(ROOT, file)}  (${elapsed()} in all)`);
  } finally {
    for (const app of apps) {
      await app.server.stop();
      // Next names a profile by the second it was saved: one second apart, none overwrites another.
      if (options.profile) await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    for (const { users, cookies } of seededRedis) await deleteRedisSessions(REDIS_URL, users, cookies).catch((error: unknown) => console.error("bench: could not delete the seeded Redis sessions", error));
    rmSync(tempDir, { recursive: true, force: true });
    await drop?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
