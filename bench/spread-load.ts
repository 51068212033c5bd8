import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import type { LoadResult } from "./load";

const WORKER = path.join(import.meta.dirname, "load-worker.mjs");

/**
 * Which session each request carries: none (a public route); one picked uniformly from the first
 * `count`; skewed (bench/README.md: 90% of requests on the first 1%, 10% over the rest); or
 * `each`, every one of the first `count` once in order (warm-up).
 */
export type Pick = "none" | "uniform" | "skewed" | "each";

export type SpreadOptions = {
  connections: number;
  /** Timed run of this length, or (warm-up) exactly `amount` requests. */
  durationSeconds?: number;
  amount?: number;
  pick: Pick;
  cookies?: { file: string; count: number; name: string };
  /** `each` only: the first session and the step between two. */
  start?: number;
  stride?: number;
  serverPid?: number;
};

/** The skewed mix: HOT_SHARE of the requests on the first HOT_FRACTION of the sessions. */
export const HOT_FRACTION = 0.01;
export const HOT_SHARE = 0.9;

const Report = z.object({
  requestsPerSecond: z.number(),
  totalRequests: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  errors: z.number(),
  non2xx: z.number(),
  seconds: z.number(),
  serverCpu: z.number().nullable(),
});

export type SpreadResult = LoadResult & { seconds: number };

/** One autocannon run in a child process (bench/load-worker.mjs), each request with its own cookie. */
export async function runSpread(url: string, options: SpreadOptions): Promise<SpreadResult> {
  const count = options.cookies?.count ?? 0;
  const job = {
    url,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    amount: options.amount,
    pick: options.pick,
    cookieFile: options.cookies?.file,
    cookieName: options.cookies?.name,
    count,
    hotCount: Math.max(1, Math.floor(count * HOT_FRACTION)),
    hotShare: HOT_SHARE,
    start: options.start,
    stride: options.stride,
    serverPid: options.serverPid,
  };
  const { stdout } = await promisify(execFile)(process.execPath, [WORKER, JSON.stringify(job)], { maxBuffer: 1024 * 1024 });
  const report = Report.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
  return {
    requestsPerSecond: report.requestsPerSecond,
    totalRequests: report.totalRequests,
    p50Ms: report.p50Ms,
    p99Ms: report.p99Ms,
    errors: report.errors + report.non2xx,
    serverCpu: report.serverCpu,
    seconds: report.seconds,
  };
}
