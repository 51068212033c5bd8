import type { BurstResult } from "./burst";
import type { LoadResult } from "./load";
import type { MicroResult } from "./micro";
import type { PairedResult } from "./paired";
import type { RevocationResult } from "./revocation";

export type Target = { name: string; path: string; authenticated: boolean; /** The public path it is compared with. */ baseline?: string };

type Run = { strategy: string; target: Target; round: number; result: LoadResult };

export type HttpRow = {
  strategy: string;
  target: string;
  path: string;
  rounds: number[];
  requestsPerSecond: number;
  /** (max − min) / mean of the rounds' requests/s. */
  spread: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Mean cores the server used while under load (Linux), null elsewhere. */
  serverCpu: number | null;
  baseline: string | null;
  /**
   * Requests/s over the baseline's, per round (each target runs right after its baseline): the
   * median of the rounds, their lowest and highest. A shared machine drifts by ±10% over a minute;
   * the median of adjacent pairs is what survives that.
   */
  ratio: { median: number; min: number; max: number; rounds: number[] } | null;
};

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarise(runs: Run[], targets: Target[]): HttpRow[] {
  const strategies = [...new Set(runs.map((run) => run.strategy))];
  const rows: HttpRow[] = [];
  for (const strategy of strategies) {
    const of = (targetPath: string) => runs.filter((run) => run.strategy === strategy && run.target.path === targetPath).sort((a, b) => a.round - b.round);
    for (const target of targets) {
      const own = of(target.path);
      if (own.length === 0) continue;
      const rps = own.map((run) => run.result.requestsPerSecond);
      const baseRuns = target.baseline ? of(target.baseline) : [];
      const base = baseRuns.length > 0 ? baseRuns.map((run) => run.result.requestsPerSecond) : null;
      const perRound = base ? rps.map((value, i) => value / base[i]!) : null;
      rows.push({
        strategy,
        target: target.name,
        path: target.path,
        rounds: rps,
        requestsPerSecond: mean(rps),
        spread: (Math.max(...rps) - Math.min(...rps)) / mean(rps),
        p50Ms: mean(own.map((run) => run.result.p50Ms)),
        p99Ms: mean(own.map((run) => run.result.p99Ms)),
        errors: own.reduce((sum, run) => sum + run.result.errors, 0),
        serverCpu: own.every((run) => run.result.serverCpu !== null) ? mean(own.map((run) => run.result.serverCpu!)) : null,
        baseline: target.baseline ?? null,
        ratio: perRound ? { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), rounds: perRound } : null,
      });
    }
  }
  return rows;
}

/** A Markdown table: the first `textColumns` columns left-aligned, numbers right-aligned. */
function table(header: string[], rows: string[][], textColumns: number) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width, i) => (i < textColumns ? "-".repeat(width) : `${"-".repeat(width - 1)}:`)).join(" | ")} |`);
  for (const row of rows) console.log(line(row));
}

export function printHttpTable(
  rows: HttpRow[],
  context: { databaseKind: string; connections: number; duration: number; rounds: number; pinned: boolean },
) {
  console.log(
    `\nHTTP, ${context.databaseKind} database: ${context.connections} connections, ${context.duration} s per run, ${context.rounds} interleaved rounds${context.pinned ? ", server pinned to its own core" : ""} (req/s, p50, p99: means of the rounds; spread = (max − min) / mean)\n`,
  );
  table(
    ["strategy", "target", "req/s", "rounds", "spread", "p50 ms", "p99 ms", "errors", "server CPU", "ratio vs public (median)", "ratio range"],
    rows.map((row) => [
      row.strategy,
      row.target,
      row.requestsPerSecond.toFixed(0),
      row.rounds.map((value) => value.toFixed(0)).join(" / "),
      `${(row.spread * 100).toFixed(1)}%`,
      row.p50Ms.toFixed(1),
      row.p99Ms.toFixed(1),
      String(row.errors),
      row.serverCpu === null ? "n/a" : `${(row.serverCpu * 100).toFixed(0)}%`,
      row.ratio ? `${row.ratio.median.toFixed(2)} of ${row.baseline}` : "(baseline)",
      row.ratio ? `${row.ratio.min.toFixed(2)}–${row.ratio.max.toFixed(2)}` : "",
    ]),
    2,
  );
}

export function printMicroTable(results: MicroResult[]) {
  console.log("");
  table(
    ["operation", "ops/s", "µs/op", "iterations"],
    results.map((result) => [result.name, result.opsPerSecond.toFixed(0), result.microsecondsPerOp.toFixed(2), String(result.iterations)]),
    1,
  );
}

export function printPairedTable(rows: Array<{ strategy: string; target: string; baseline: string; result: PairedResult }>) {
  if (rows.length === 0) return;
  console.log("\nPaired, one connection, public and authenticated requests alternating (medians)\n");
  table(
    ["strategy", "target", "pairs", "public ms", "target ms", "added µs", "ratio"],
    rows.map(({ strategy, target, baseline, result }) => [
      strategy,
      `${target} vs ${baseline}`,
      String(result.pairs),
      result.baselineMs.toFixed(3),
      result.targetMs.toFixed(3),
      result.addedMicroseconds.toFixed(0),
      result.ratio.toFixed(3),
    ]),
    2,
  );
}

export function printBurstTable(rows: Array<{ strategy: string; inFlight: number; result: BurstResult }>) {
  console.log("\nGET /api/auth/session (4 connections), quiet and during a burst of parallel password logins");
  console.log("strategy   logins in flight  quiet p50/p99 ms  burst p50/p99 ms  session answers quiet → burst  logins/s  login statuses");
  // No answer at all during the burst has no latency to show: the run outlasted every request.
  const latency = (run: BurstResult["quiet"]) => (run.totalRequests === 0 ? "none answered" : `${run.p50Ms}/${run.p99Ms}`);
  for (const { strategy, inFlight, result } of rows) {
    const { quiet, underBurst } = result;
    const statuses = Object.entries(result.logins).map(([status, n]) => `${status}×${n}`).join(" ");
    console.log(
      [
        strategy.padEnd(10),
        String(inFlight).padStart(16),
        latency(quiet).padStart(17),
        latency(underBurst).padStart(17),
        `${quiet.totalRequests} → ${underBurst.totalRequests}`.padStart(30),
        result.loginsPerSecond.toFixed(1).padStart(9),
        ` ${statuses}`,
      ].join(" "),
    );
  }
}

export function printRevocationTable(rows: Array<{ strategy: string; result: RevocationResult }>) {
  if (rows.length === 0) return;
  console.log("\nRevocation across two instances: logout on one, GET /api/auth/session on the other every 5 ms");
  console.log("strategy   same instance at once  other instance refuses after  200s served after logout");
  for (const { strategy, result } of rows) {
    console.log(
      [
        strategy.padEnd(10),
        (result.sameInstanceAtOnce ? "yes" : "NO").padStart(21),
        (result.otherInstanceMs === null ? "never (5 s)" : `${result.otherInstanceMs.toFixed(0)} ms`).padStart(29),
        String(result.servedAfterLogout).padStart(25),
      ].join(" "),
    );
  }
}
