import { execFile } from "node:child_process";
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
};

export type LoadOptions = { connections: number; durationSeconds: number; headers?: Record<string, string> };

/**
 * One autocannon run in a process of its own, so the load generator never shares an event loop
 * with the embedded database this process may be serving.
 */
export async function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const args = ["--json", "--no-progress", "-c", String(options.connections), "-d", String(options.durationSeconds)];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}=${value}`);
  args.push(url);
  const { stdout } = await promisify(execFile)(AUTOCANNON, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const report = Report.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
  return {
    requestsPerSecond: report.requests.average,
    totalRequests: report.requests.total,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    errors: report.errors + report.timeouts + report.non2xx,
  };
}
