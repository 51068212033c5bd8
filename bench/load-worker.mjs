// One autocannon run, in a process of its own (bench/spread-load.ts starts it), so the load
// generator never shares an event loop with the process that seeds and measures. Each request
// carries the session cookie of a session picked from a file, one cookie value a line.
// Plain JavaScript: `node` runs it directly, with no compiler in the way of its start-up.
//
// argv[2]: JSON { url, connections, durationSeconds?, amount?, cookieName?, cookieFile?, count?,
//                 pick: "none" | "uniform" | "skewed" | "each", hotCount?, hotShare?, start?, stride?,
//                 serverPid? }
// stdout: one JSON line { requestsPerSecond, totalRequests, p50Ms, p99Ms, errors, non2xx, seconds,
//                         serverCpu } (serverCpu: cores the server used during the run, null off Linux)
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const job = JSON.parse(process.argv[2] ?? "{}");

/** Which cookie the next request carries; null: none. */
function picker() {
  if (job.pick === "none") return () => null;
  const all = readFileSync(job.cookieFile, "utf8").split("\n");
  const cookies = all.slice(0, job.count).map((value) => `${job.cookieName}=${value}`);
  if (cookies.length !== job.count) throw new Error(`load-worker: ${job.cookieFile} holds ${cookies.length} cookies, ${job.count} asked`);
  const n = cookies.length;
  if (job.pick === "uniform") return () => cookies[Math.floor(Math.random() * n)];
  if (job.pick === "each") {
    // In order from `start`, every `stride`-th session, one counter for all connections: with
    // `amount` requests, each of them once.
    const start = job.start ?? 0;
    const stride = job.stride ?? 1;
    let next = 0;
    return () => cookies[(start + stride * next++) % n];
  }
  // Skewed: a share of the requests (hotShare) on the first hotCount sessions, the rest spread
  // evenly over all the others.
  const hot = job.hotCount;
  const share = job.hotShare;
  return () => (Math.random() < share ? cookies[Math.floor(Math.random() * hot)] : cookies[hot + Math.floor(Math.random() * (n - hot))]);
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far (all its threads), from /proc; null elsewhere. */
function cpuSeconds(pid) {
  if (!pid) return null;
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

const next = picker();
const target = new URL(job.url);
const options = {
  url: target.origin,
  connections: job.connections,
  ...(job.amount ? { amount: job.amount } : { duration: job.durationSeconds }),
  requests: [
    {
      method: "GET",
      path: `${target.pathname}${target.search}`,
      setupRequest: (request) => {
        const cookie = next();
        return cookie === null ? request : { ...request, headers: { ...request.headers, cookie } };
      },
    },
  ],
};

// The server's CPU and the clock are read around the run itself, not this process's start-up.
const cpuBefore = cpuSeconds(job.serverPid);
const startedAt = performance.now();
autocannon(options, (error, result) => {
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuAfter = cpuSeconds(job.serverPid);
  if (error) {
    console.error(error);
    process.exit(1);
  }
  process.stdout.write(
    `${JSON.stringify({
      requestsPerSecond: job.amount ? result.requests.total / seconds : result.requests.average,
      totalRequests: result.requests.total,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      seconds,
      serverCpu: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / seconds : null,
    })}\n`,
  );
});
