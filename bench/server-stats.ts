import { readFileSync } from "node:fs";
import { z } from "zod";
import type { RunningServer } from "@/tests/support/server";

// What the scale table reads from a running server: its resident memory (/proc) and its session
// caches' counters, which the server prints on SIGUSR2 (lib/session/cache.ts).

/** Resident memory of a process in MiB (VmRSS, Linux); null elsewhere. */
export function residentMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB$/m);
    return line ? Number(line[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const CacheCounters = z.object({ hits: z.number(), misses: z.number(), entries: z.number(), maxEntries: z.number(), evictions: z.number() });
export type CacheCounters = z.infer<typeof CacheCounters>;
export type CacheStats = Record<string, CacheCounters>;

const PREFIX = "session-cache-stats ";
const SIGUSR2_BIT = 1n << 11n;
// The handler is known to be there (SigCgt) before the signal is sent, so waiting is safe; a
// server busy with a run's last requests may take a moment to print.
const WAIT_MS = 2000;

/**
 * Whether the process handles SIGUSR2. Asked first because a Node process without a handler
 * dies of it (the default action): a server built before the stats existed must survive the bench.
 */
function catchesSigusr2(pid: number): boolean {
  try {
    const mask = readFileSync(`/proc/${pid}/status`, "utf8").match(/^SigCgt:\s+([0-9a-f]+)$/m)?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & SIGUSR2_BIT) !== 0n;
  } catch {
    return false;
  }
}

/** Complete stats lines so far (a line still being written has no newline yet). */
function statsLines(output: string): string[] {
  const lines = output.split("\n");
  lines.pop();
  return lines.filter((line) => line.startsWith(PREFIX));
}

/** The caches of a stats line; any other key the server may add (not a cache's counters) is skipped. */
function parseStats(line: string): CacheStats | null {
  let json: unknown;
  try {
    json = JSON.parse(line.slice(PREFIX.length));
  } catch {
    return null;
  }
  if (typeof json !== "object" || json === null) return null;
  const stats: CacheStats = {};
  for (const [name, value] of Object.entries(json)) {
    const parsed = CacheCounters.safeParse(value);
    if (parsed.success) stats[name] = parsed.data;
  }
  return stats;
}

/**
 * The server's cache counters now (cumulative since it started), or null when it does not
 * print them: no SIGUSR2 handler (no wait at all), no line within WAIT_MS, or a line that does
 * not parse.
 */
export async function readCacheStats(server: RunningServer): Promise<CacheStats | null> {
  const pid = server.process.pid;
  if (pid === undefined || !catchesSigusr2(pid)) return null;
  const before = statsLines(server.output()).length;
  server.process.kill("SIGUSR2");
  const deadline = performance.now() + WAIT_MS;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const lines = statsLines(server.output());
    if (lines.length > before) return parseStats(lines.at(-1)!);
  }
  return null;
}

/** Per cache: what happened between two readings. */
export type CacheDelta = { hits: number; misses: number; hitRate: number | null; entries: number; maxEntries: number; evictions: number };

export function cacheDelta(before: CacheStats | null, after: CacheStats | null): Record<string, CacheDelta> | null {
  if (!before || !after) return null;
  const delta: Record<string, CacheDelta> = {};
  for (const [name, now] of Object.entries(after)) {
    const then = before[name] ?? { hits: 0, misses: 0, entries: 0, maxEntries: now.maxEntries, evictions: 0 };
    const hits = now.hits - then.hits;
    const misses = now.misses - then.misses;
    delta[name] = { hits, misses, hitRate: hits + misses > 0 ? hits / (hits + misses) : null, entries: now.entries, maxEntries: now.maxEntries, evictions: now.evictions - then.evictions };
  }
  return delta;
}
