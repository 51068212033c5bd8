import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";

const ROOT = path.resolve(import.meta.dirname, "..");
const AUTOCANNON = path.join(ROOT, "node_modules/.bin/autocannon");

// The part of autocannon's --json report we read; anything else it prints is ignored.
const Report = z.object({
  requests: z.object({ average: z.number(), total: z.number() }),
  latency: z.object({ p50: z.number(), p99: z.number() }),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
  duration: z.number(),
});

export type LoadResult = {
  requestsPerSecond: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and any status that is not 2xx: each one is a failed request. */
  errors: number;
  /**
   * Cores the server process used during the run (Linux only, else null). Near 1.0 on a server
   * pinned to one core means the server, not the load generator, set the pace.
   */
  serverCpu: number | null;
};

export type LoadOptions = { connections: number; durationSeconds: number; headers?: Record<string, string>; serverPid?: number };

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far, from /proc (all its threads). */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * One autocannon run in a process of its own, so the load generator never shares an event loop
 * with the embedded database this process may be serving.
 */
export async function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const args = ["--json", "--no-progress", "-c", String(options.connections), "-d", String(options.durationSeconds)];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}=${value}`);
  args.push(url);
  const cpuBefore = cpuSeconds(options.serverPid);
  const startedAt = performance.now();
  const { stdout } = await promisify(execFile)(AUTOCANNON, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const cpuAfter = cpuSeconds(options.serverPid);
  const report = Report.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
  return {
    requestsPerSecond: report.requests.average,
    totalRequests: report.requests.total,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    errors: report.errors + report.timeouts + report.non2xx,
    // Over the whole child run, which includes autocannon's own start-up: a slight underestimate.
    serverCpu: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / elapsedSeconds : null,
  };
}
