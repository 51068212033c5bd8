import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createPrismaClient } from "@/lib/db";
import { SESSION_COOKIE_NAMES } from "@/lib/session/cookie";
import { createTestDatabase } from "@/tests/support/database";
import { startNextServer, type RunningServer } from "@/tests/support/server";
import { runBurst, type BurstResult } from "./burst";
import { runLoad, type LoadResult } from "./load";
import { runMicroBenchmarks, type MicroResult } from "./micro";
import { runPaired, type PairedResult } from "./paired";
import { printBurstTable, printHttpTable, printMicroTable, printPairedTable, printRevocationTable, summarise, type Target } from "./report";
import { measureRevocation, type RevocationResult } from "./revocation";

// `npm run bench`: what authentication costs per request, as a ratio of the same server's public
// routes in the same run (bench/README.md). Loopback only; every process started here is stopped here.

const ROOT = path.resolve(import.meta.dirname, "..");
// The bench runs `next start` (production), so the production name.
const COOKIE = SESSION_COOKIE_NAMES.production;

const Options = z.object({
  duration: z.coerce.number().int().min(1).max(120),
  connections: z.coerce.number().int().min(1).max(1024),
  rounds: z.coerce.number().int().min(1).max(10),
  strategies: z.string().transform((value) => value.split(",")).pipe(z.array(z.enum(["database", "cookie", "redis"])).min(1)),
  build: z.boolean(),
  micro: z.boolean(),
  profile: z.boolean(),
  targets: z.string().optional().transform((value) => value?.split(",")),
  burst: z.boolean(),
  bcryptCost: z.coerce.number().int().min(10).max(15),
});

function readOptions() {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "2" },
      connections: { type: "string", default: "32" },
      rounds: { type: "string", default: "6" },
      strategies: { type: "string", default: "database,cookie,redis" },
      "no-build": { type: "boolean", default: false },
      "no-micro": { type: "boolean", default: false },
      "no-burst": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      targets: { type: "string" },
    },
  });
  const parsed = Options.safeParse({
    ...values,
    build: !values["no-build"],
    micro: !values["no-micro"],
    burst: !values["no-burst"],
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
function pinCores(servers: RunningServer[]): boolean {
  if (os.cpus().length < 2 || os.platform() !== "linux") return false;
  try {
    for (const server of servers) execFileSync("taskset", ["-a", "-cp", "0", String(server.process.pid)], { stdio: "ignore" });
    execFileSync("taskset", ["-a", "-cp", "1", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

async function main() {
  const options = readOptions();
  // A subset (`--targets /api/auth/session`) is for profiling one path; ratios need the baselines.
  const TARGETS = options.targets ? ALL_TARGETS.filter((target) => options.targets?.includes(target.path)) : ALL_TARGETS;
  const startedAt = new Date();
  const databaseKind = process.env.DATABASE_URL ? "postgresql" : "embedded";
  const apps: App[] = [];
  let drop: (() => Promise<void>) | undefined;

  try {
    if (options.build) {
      step("next build");
      await build();
    }
    step(`fresh ${databaseKind} database`);
    const database = await createTestDatabase("bench");
    drop = database.drop;
    const secret = randomBytes(32).toString("base64url");

    let micro: MicroResult[] = [];
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

    const pinned = pinCores(apps.map((app) => app.server));
    step(pinned ? "pinned: servers on core 0, database and load generator on core 1" : "not pinned to cores (needs Linux, taskset, 2 cores)");

    step("checking that every authenticated target authenticates");
    for (const app of apps) for (const target of TARGETS) await preCheck(app, target);

    if (options.micro) {
      step("micro-benchmarks (in this process)");
      const db = createPrismaClient(database.url);
      micro = await runMicroBenchmarks({
        db,
        secret,
        bcryptCost: options.bcryptCost,
        userId: apps[0]!.userId,
        budgetMs: 1000,
        redisUrl: options.strategies.includes("redis") ? REDIS_URL : undefined,
      });
      await db.$disconnect();
      printMicroTable(micro);
    }

    const load = { connections: options.connections, durationSeconds: options.duration };
    // V8 keeps optimising Next's request path for tens of seconds of load: untimed passes over
    // every target until a pass is within 5% of the one before (2 to 4 passes, which keeps the
    // whole run under 5 minutes), or the first rounds measure the JIT instead of the app.
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
    step("warming up: untimed passes over every target until the request rate settles");
    let previous = await pass();
    for (let passes = 2; passes <= 4; passes++) {
      const current = await pass();
      const change = Math.abs(current - previous) / previous;
      console.log(`  pass ${passes}: ${(change * 100).toFixed(1)}% from the pass before`);
      if (change < 0.05) break;
      previous = current;
    }

    // Rounds interleave every target of every strategy, so a slow minute of the machine lands on
    // all of them instead of one; each authenticated target runs right after its public baseline,
    // and its ratio is taken per round, from that pair.
    const runs: Array<{ strategy: Strategy; target: Target; round: number; result: LoadResult }> = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const app of apps) {
        for (const target of TARGETS) {
          step(`round ${round}: ${app.strategy} ${target.path} (${options.connections} connections, ${options.duration} s)`);
          // Public targets go without the cookie: the ceiling is a request with no session work.
          const headers = target.authenticated ? { cookie: app.cookie } : undefined;
          const result = await runLoad(`${app.server.url}${target.path}`, { ...load, headers, serverPid: app.server.process.pid });
          runs.push({ strategy: app.strategy, target, round, result });
        }
      }
    }

    // The same comparison measured another way: one connection, alternating requests.
    const paired: Array<{ strategy: Strategy; target: string; baseline: string; result: PairedResult }> = [];
    for (const app of apps) {
      for (const target of TARGETS) {
        if (!target.baseline || !TARGETS.some((other) => other.path === target.baseline)) continue;
        step(`paired: ${app.strategy} ${target.baseline} / ${target.path}, one connection`);
        const pairs = target.path.startsWith("/api/") ? 2000 : 400;
        const result = await runPaired(app.server.url, { path: target.baseline }, { path: target.path, headers: { cookie: app.cookie } }, pairs);
        paired.push({ strategy: app.strategy, target: target.path, baseline: target.baseline, result });
      }
    }

    // Last, so the logins it makes (and their rate-limit rows) touch no other measurement.
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
    const revocations: Array<{ strategy: Strategy; result: RevocationResult }> = [];
    for (const app of apps) {
      step(`two-instance revocation: ${app.strategy}, logout on one, polling the other`);
      const second = await startNextServer(serverEnv(app.strategy));
      try {
        revocations.push({ strategy: app.strategy, result: await measureRevocation(app.server.url, second.url, { email: app.email, password: app.password }, COOKIE) });
      } finally {
        await second.stop();
      }
    }

    const rows = summarise(runs, TARGETS);
    printHttpTable(rows, { databaseKind, pinned, ...options });
    printPairedTable(paired);
    if (bursts.length > 0) printBurstTable(bursts);
    printRevocationTable(revocations);

    const file = path.join(ROOT, "bench/results", `${startedAt.toISOString().replace(/[:.]/g, "-")}-${databaseKind}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
    writeFileSync(file, `${JSON.stringify({ startedAt, commit: gitCommit(), databaseKind, options, pinned, machine, http: rows, paired, bursts, revocations, runs, micro }, null, 2)}\n`);
    if (options.profile) console.log("CPU profiles: .next-profiles/ (one per server, in the order of the strategies, as they stop)");
    console.log(`\nResults: ${path.relative(ROOT, file)}  (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all)`);
  } finally {
    for (const app of apps) {
      await app.server.stop();
      // Next names a profile by the second it was saved: one second apart, none overwrites another.
      if (options.profile) await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    await drop?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
