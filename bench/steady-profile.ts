import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createTestDatabase } from "@/tests/support/database";
import { freePort, startNextServer } from "@/tests/support/server";
import { runLoad } from "./load";
import { addSamples, CpuProfile, emptyTotals, type SampleTotals } from "./cpu-profile";

// `npx tsx bench/steady-profile.ts [--strategy database] [--seconds 8] [--rounds 2] [--warm-up 6]`: where the
// CPU of one authenticated request goes beyond a public one's, in steady state only. One
// `next start` (existing build) with the inspector on loopback; after a JIT warm-up, V8's sampling
// profiler is switched on over the inspector for each timed window of `/api/health` and of
// `GET /api/auth/session` in turn, so start-up, build of the JIT and seeding stay out of the
// profile (`npm run bench -- --profile` covers a server's whole life). Prints µs of CPU per
// request by function and by file for each target and the difference, session minus health.

const { values } = parseArgs({
  options: {
    strategy: { type: "string", default: "database" },
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "2" },
    "warm-up": { type: "string", default: "6" },
    connections: { type: "string", default: "32" },
    top: { type: "string", default: "25" },
    out: { type: "string" },
  },
});
const options = z
  .object({
    strategy: z.enum(["database", "cookie", "redis"]),
    seconds: z.coerce.number().int().min(1).max(60),
    rounds: z.coerce.number().int().min(1).max(10),
    "warm-up": z.coerce.number().int().min(0).max(20),
    connections: z.coerce.number().int().min(1).max(256),
    top: z.coerce.number().int().min(1).max(200),
    out: z.string().optional(),
  })
  .parse(values);

/** A minimal Chrome DevTools Protocol client over Node's own WebSocket. */
async function inspector(port: number) {
  const targets = z.array(z.object({ webSocketDebuggerUrl: z.string() })).parse(await (await fetch(`http://127.0.0.1:${port}/json/list`)).json());
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let next = 1;
  // An error answer or a closed socket fails the call that waits for it (and so the run, through
  // main's finally, which stops the server): never an exception thrown from a listener.
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    const call = message.id === undefined ? undefined : waiting.get(message.id);
    if (!call || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error) call.reject(new Error(`inspector: ${JSON.stringify(message.error)}`));
    else call.resolve(message.result);
  });
  socket.addEventListener("close", () => {
    for (const call of waiting.values()) call.reject(new Error("inspector: the connection closed"));
    waiting.clear();
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

type Totals = SampleTotals & { requests: number };

// The app's own code is bundled under .next/server/: inclusive time there says which of its steps
// (proxy, data-access function, store, answer) the time under it belongs to. Function names are
// readable in a build with `experimental.serverMinification: false` (bench/README.md).
const isAppFrame = (url: string) => url.includes("/.next/server/") && !url.includes("node_modules");

function add(totals: Totals, profile: CpuProfile, requests: number) {
  addSamples(totals, profile, isAppFrame);
  totals.requests += requests;
}

function perRequest(totals: Totals, map: Map<string, number>) {
  return new Map([...map].map(([key, micros]) => [key, micros / totals.requests]));
}

function printDiff(title: string, health: Map<string, number>, session: Map<string, number>, count: number) {
  const keys = new Set([...health.keys(), ...session.keys()]);
  const rows = [...keys].map((key) => ({ key, health: health.get(key) ?? 0, session: session.get(key) ?? 0 })).map((row) => ({ ...row, diff: row.session - row.health }));
  rows.sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff));
  console.log(`\n${title} (µs of CPU per request: health, session, session − health)`);
  for (const row of rows.slice(0, count)) {
    console.log(`${row.health.toFixed(1).padStart(7)} ${row.session.toFixed(1).padStart(7)} ${row.diff >= 0 ? "+" : ""}${row.diff.toFixed(1).padStart(6)}  ${row.key}`);
  }
}

async function main() {
  const inspectPort = await freePort();
  if (options.out) mkdirSync(options.out, { recursive: true });
  const database = await createTestDatabase("profile");
  let server: Awaited<ReturnType<typeof startNextServer>> | undefined;
  let client: Awaited<ReturnType<typeof inspector>> | undefined;
  try {
    server = await startNextServer({
      DATABASE_URL: database.url,
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      SESSION_STRATEGY: options.strategy,
      ...(options.strategy === "redis" ? { REDIS_URL: process.env.REDIS_URL || "redis://127.0.0.1:6379/5" } : {}),
      NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
    });
    const email = `profile-${randomBytes(4).toString("hex")}@cloakroom.test`;
    const signup = await fetch(`${server.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: randomBytes(12).toString("base64url"), name: "Profile" }),
    });
    const cookie = signup.headers.getSetCookie()[0]?.split(";")[0];
    if (signup.status !== 201 || !cookie) throw new Error(`signup answered ${signup.status}`);
    const targets = [
      { name: "health", url: `${server.url}/api/health`, headers: {} },
      { name: "session", url: `${server.url}/api/auth/session`, headers: { cookie } },
    ] as const;
    const pid = server.process.pid;
    console.log(`JIT warm-up: ${options["warm-up"]} passes of 5 s per target`);
    for (let pass = 0; pass < options["warm-up"]; pass++) for (const target of targets) await runLoad(target.url, { connections: options.connections, durationSeconds: 5, headers: target.headers, serverPid: pid });

    client = await inspector(inspectPort);
    await client.send("Profiler.enable");
    await client.send("Profiler.setSamplingInterval", { interval: 100 });
    const totals = Object.fromEntries(targets.map((target) => [target.name, { ...emptyTotals(), requests: 0 } satisfies Totals]));
    const cpu = Object.fromEntries(targets.map((target) => [target.name, { seconds: 0, requests: 0 }]));
    for (let round = 0; round < options.rounds; round++) {
      for (const target of targets) {
        await client.send("Profiler.start");
        const load = await runLoad(target.url, { connections: options.connections, durationSeconds: options.seconds, headers: target.headers, serverPid: pid });
        const { profile } = z.object({ profile: CpuProfile }).parse(await client.send("Profiler.stop"));
        if (load.errors > 0) throw new Error(`${target.name}: ${load.errors} failed requests`);
        add(totals[target.name]!, profile, load.totalRequests);
        cpu[target.name]!.seconds += (load.serverCpu ?? 0) * options.seconds;
        cpu[target.name]!.requests += load.totalRequests;
        console.log(`round ${round + 1} ${target.name}: ${load.requestsPerSecond.toFixed(0)} req/s, server CPU ${load.serverCpu?.toFixed(2)}`);
        if (options.out) writeFileSync(path.join(options.out, `${target.name}-${round + 1}.cpuprofile`), JSON.stringify(profile));
      }
    }
    for (const target of targets) {
      const t = totals[target.name]!;
      const c = cpu[target.name]!;
      console.log(`${target.name}: ${t.requests} requests, ${(t.sampled / t.requests).toFixed(1)} µs sampled and ${((c.seconds * 1e6) / c.requests).toFixed(1)} µs of process CPU (/proc) per request`);
    }
    const health = totals.health!;
    const session = totals.session!;
    printDiff("by file", perRequest(health, health.byFile), perRequest(session, session.byFile), options.top);
    printDiff("by function (self time)", perRequest(health, health.byFunction), perRequest(session, session.byFunction), options.top * 2);
    printDiff("the app's own functions (inclusive time)", perRequest(health, health.inclusive), perRequest(session, session.inclusive), options.top * 2);
  } finally {
    // Closed first: an open inspector session kept the process from ending after a failure.
    client?.close();
    await server?.stop();
    await database.drop();
  }
}

await main();
