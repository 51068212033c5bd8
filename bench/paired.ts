import http from "node:http";

export type PairedResult = {
  pairs: number;
  /** Median latency of the public request and of the authenticated one, in milliseconds. */
  baselineMs: number;
  targetMs: number;
  /** What authentication adds to one request, in microseconds (difference of the medians). */
  addedMicroseconds: number;
  /** baselineMs / targetMs: the share of the public route's rate a server-bound app keeps. */
  ratio: number;
};

type Request = { path: string; headers?: Record<string, string> };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * One connection, one request at a time, alternating a public request and an authenticated one:
 * each pair is measured within a millisecond or two, so a machine that speeds up and slows down
 * by tens of percent over a minute (a shared VM) changes both sides alike. The ratio of the
 * medians moves by about 1% between runs where load-test ratios move by 20%.
 */
export async function runPaired(baseUrl: string, baseline: Request, target: Request, pairs: number): Promise<PairedResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const time = (request: Request) =>
    new Promise<number>((resolve, reject) => {
      const startedAt = performance.now();
      const outgoing = http.request({ host: url.hostname, port: url.port, path: request.path, headers: request.headers, agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`${request.path} answered ${response.statusCode}`));
        response.resume();
        response.on("end", () => resolve(performance.now() - startedAt));
      });
      outgoing.on("error", reject);
      outgoing.end();
    });
  try {
    const baselineTimes: number[] = [];
    const targetTimes: number[] = [];
    for (let i = 0; i < pairs; i++) {
      baselineTimes.push(await time(baseline));
      targetTimes.push(await time(target));
    }
    const baselineMs = median(baselineTimes);
    const targetMs = median(targetTimes);
    return { pairs, baselineMs, targetMs, addedMicroseconds: (targetMs - baselineMs) * 1000, ratio: baselineMs / targetMs };
  } finally {
    agent.destroy();
  }
}
