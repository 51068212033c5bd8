import type { BurstResult } from "./burst";
import type { LoadResult } from "./load";
import type { MicroResult } from "./micro";
import type { PairedResult } from "./paired";
import type { RevocationResult } from "./revocation";
import type { ScaleCell, WarmUp } from "./scale";
import type { SeedTiming } from "./seed";
import { HOT_FRACTION, HOT_SHARE } from "./spread-load";

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

export function printRevocationTable(rows: Array<{ strategy: string; result: RevocationResult }>, population?: number) {
  if (rows.length === 0) return;
  const among = population ? `, among ${count(population)} live sessions of the strategy` : "";
  console.log(`\nRevocation across two instances${among}: logout on one, GET /api/auth/session on the other every 5 ms`);
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

export type CacheSummary = { hits: number; misses: number; hitRate: number | null; entries: number; maxEntries: number; evictions: number };

export type ScaleSummary = {
  strategy: string;
  row: string;
  sessions: number;
  pick: string;
  /** Means of the rounds. */
  sessionRps: number;
  healthRps: number;
  /** Session req/s over health req/s per round (adjacent pair): median, lowest, highest. */
  ratio: { median: number; min: number; max: number; rounds: number[] };
  /** What the session route costs on top of the public one, per request: 1/rate − 1/rate. */
  addedMicroseconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers and failed requests, both routes, all rounds. */
  errors: number;
  serverCpu: number | null;
  /** Per cache: hits and misses of the timed runs summed; entries and cap as of the last run. */
  caches: Record<string, CacheSummary> | null;
  rssMiB: number | null;
  /** Rounds whose cache counters the server printed (the hit rate covers these). */
  roundsWithCacheStats: number;
  /** /api/health against /api/ping (no proxy), where measured. */
  ping: { pingRps: number; healthRps: number; ratio: number; proxyMicroseconds: number } | null;
};

export function summariseScale(cells: ScaleCell[]): ScaleSummary[] {
  return cells.map(({ strategy, row, rounds }) => {
    const sessionRps = mean(rounds.map((r) => r.session.requestsPerSecond));
    const healthRps = mean(rounds.map((r) => r.health.requestsPerSecond));
    const perRound = rounds.map((r) => r.session.requestsPerSecond / r.health.requestsPerSecond);
    // Rounds whose counters could not be read are left out of the hit rate, not the whole row.
    let caches: Record<string, CacheSummary> | null = null;
    const counted = rounds.filter((r) => r.caches !== null);
    if (counted.length > 0) {
      caches = {};
      for (const r of counted) {
        for (const [name, delta] of Object.entries(r.caches!)) {
          const sum = caches[name] ?? { hits: 0, misses: 0, hitRate: null, entries: 0, maxEntries: 0, evictions: 0 };
          sum.hits += delta.hits;
          sum.misses += delta.misses;
          sum.evictions += delta.evictions;
          sum.entries = delta.entries;
          sum.maxEntries = delta.maxEntries;
          sum.hitRate = sum.hits + sum.misses > 0 ? sum.hits / (sum.hits + sum.misses) : null;
          caches[name] = sum;
        }
      }
    }
    const pingRounds = rounds.filter((r) => r.ping !== null);
    const pingRps = pingRounds.length > 0 ? mean(pingRounds.map((r) => r.ping!.requestsPerSecond)) : 0;
    const pingHealth = pingRounds.length > 0 ? mean(pingRounds.map((r) => r.health.requestsPerSecond)) : 0;
    return {
      strategy,
      row: row.label,
      sessions: row.sessions,
      pick: row.pick,
      sessionRps,
      healthRps,
      ratio: { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), rounds: perRound },
      addedMicroseconds: 1e6 / sessionRps - 1e6 / healthRps,
      p50Ms: mean(rounds.map((r) => r.session.p50Ms)),
      p99Ms: mean(rounds.map((r) => r.session.p99Ms)),
      errors: rounds.reduce((sum, r) => sum + r.session.errors + r.health.errors + (r.ping?.errors ?? 0), 0),
      serverCpu: rounds.every((r) => r.session.serverCpu !== null) ? mean(rounds.map((r) => r.session.serverCpu!)) : null,
      caches,
      rssMiB: rounds.at(-1)?.rssMiB ?? null,
      roundsWithCacheStats: counted.length,
      ping:
        pingRounds.length > 0
          ? {
              pingRps,
              healthRps: pingHealth,
              ratio: median(pingRounds.map((r) => r.health.requestsPerSecond / r.ping!.requestsPerSecond)),
              proxyMicroseconds: 1e6 / pingHealth - 1e6 / pingRps,
            }
          : null,
    };
  });
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const percent = (rate: number | null) => (rate === null ? "–" : `${(rate * 100).toFixed(1)}%`);

function cacheColumns(caches: Record<string, { hitRate: number | null; entries: number; maxEntries: number }> | null) {
  if (!caches || Object.keys(caches).length === 0) return { hitRate: "n/a", entries: "n/a" };
  const names = Object.keys(caches).sort();
  return {
    hitRate: names.map((name) => `${name} ${percent(caches[name]!.hitRate)}`).join(", "),
    entries: names.map((name) => `${name} ${count(caches[name]!.entries)}/${count(caches[name]!.maxEntries)}`).join(", "),
  };
}

export function printScaleTable(
  rows: ScaleSummary[],
  context: { databaseKind: string; connections: number; duration: number; rounds: number; pinned: boolean },
) {
  console.log(
    `\nScale: GET /api/auth/session with N distinct sessions vs GET /api/health (no cookie) in the same round; ${context.databaseKind} database, ` +
      `${context.connections} connections, ${context.duration} s per run, ${context.rounds} interleaved rounds${context.pinned ? ", server pinned to its own core" : ""}. ` +
      `Skewed: ${HOT_SHARE * 100}% of requests on ${HOT_FRACTION * 100}% of the sessions, the rest uniform over the others. ` +
      `Hit rate: timed runs only; entries/cap and RSS: after the cell's last run.\n`,
  );
  table(
    ["strategy", "sessions", "session req/s", "health req/s", "ratio (median)", "ratio range", "added µs/req", "p50/p99 ms", "errors", "server CPU", "cache hit rate", "cache entries/cap", "RSS MiB"],
    rows.map((row) => {
      const cache = cacheColumns(row.caches);
      // A hit rate over fewer rounds than the row ran says so.
      if (row.caches && row.roundsWithCacheStats < row.ratio.rounds.length) cache.hitRate += ` (${row.roundsWithCacheStats} of ${row.ratio.rounds.length} rounds)`;
      return [
        row.strategy,
        row.row,
        count(row.sessionRps),
        count(row.healthRps),
        row.ratio.median.toFixed(2),
        `${row.ratio.min.toFixed(2)}–${row.ratio.max.toFixed(2)}`,
        row.addedMicroseconds.toFixed(0),
        `${row.p50Ms.toFixed(1)}/${row.p99Ms.toFixed(1)}`,
        String(row.errors),
        row.serverCpu === null ? "n/a" : `${(row.serverCpu * 100).toFixed(0)}%`,
        cache.hitRate,
        cache.entries,
        row.rssMiB === null ? "n/a" : row.rssMiB.toFixed(0),
      ];
    }),
    2,
  );
  // How memory grows with the population: from the smallest row to the largest uniform one.
  for (const strategy of [...new Set(rows.map((row) => row.strategy))]) {
    const own = rows.filter((row) => row.strategy === strategy && row.pick === "uniform" && row.rssMiB !== null);
    const first = own[0];
    const last = own.at(-1);
    if (!first || !last || first === last) continue;
    const growth = last.rssMiB! - first.rssMiB!;
    // Per 1,000 sessions only over a span where RSS's own noise (tens of MiB) does not dominate.
    const span = last.sessions - first.sessions;
    const perThousand = span >= 10_000 ? `, ${((growth * 1024) / (span / 1000)).toFixed(0)} KiB per 1,000 sessions` : "";
    console.log(
      `  ${strategy}: RSS ${first.rssMiB!.toFixed(0)} → ${last.rssMiB!.toFixed(0)} MiB from ${count(first.sessions)} to ${count(last.sessions)} sessions (${growth >= 0 ? "+" : ""}${growth.toFixed(0)} MiB${perThousand}); ` +
        `added cost ${first.addedMicroseconds.toFixed(0)} → ${last.addedMicroseconds.toFixed(0)} µs/request`,
    );
  }
}

export function printPingTable(rows: ScaleSummary[], strategies: string[]) {
  const measured = rows.filter((row) => row.ping !== null);
  console.log("\nThe proxy's own cost: GET /api/health (through proxy.ts) vs GET /api/ping (outside its matcher), same rounds, smallest row");
  if (measured.length === 0) {
    console.log(`  not measured: GET /api/ping does not answer 200 on this build (${strategies.join(", ")})`);
    return;
  }
  table(
    ["strategy", "health req/s", "ping req/s", "health / ping (median)", "proxy µs/req"],
    measured.map((row) => [row.strategy, count(row.ping!.healthRps), count(row.ping!.pingRps), row.ping!.ratio.toFixed(2), row.ping!.proxyMicroseconds.toFixed(0)]),
    1,
  );
}

export function printWarmUpTable(warmUps: WarmUp[]) {
  console.log("\nWarm-up before each row (untimed, 64 connections, every strategy at once on any core): the cold cache's hit rate and what it cost");
  table(
    ["strategy", "row", "sessions asked once", "requests", "seconds", "req/s", "cache hit rate (cold)"],
    warmUps.map((w) => [w.strategy, w.row, w.plan, count(w.requests), w.seconds.toFixed(1), count(w.requestsPerSecond), cacheColumns(w.caches).hitRate]),
    3,
  );
}

export function printSeedTable(seeds: SeedTiming[], users: { count: number; seconds: number }) {
  console.log(`\nSeeding: ${count(users.count)} users in bulk in ${users.seconds.toFixed(1)} s (one bcrypt hash for all), then sessions, one strategy after the other, while the servers get their JIT warm-up`);
  table(
    ["strategy", "sessions", "method", "seconds", "sessions/s"],
    seeds.map((s) => [s.strategy, count(s.sessions), s.method, s.seconds.toFixed(1), count(s.sessions / s.seconds)]),
    1,
  );
}
