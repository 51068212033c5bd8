import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { addSamples, CpuProfile, emptyTotals } from "./cpu-profile";

// `npx tsx bench/profile-summary.ts <dir or .cpuprofile>…`: where a server spent its CPU during
// `npm run bench -- --profile`, by function and by file (self time, as V8 sampled it).

function files(target: string): string[] {
  if (statSync(target).isFile()) return [target];
  return readdirSync(target, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => path.join(target, name));
}

function top(totals: Map<string, number>, all: number, count: number) {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${((micros / all) * 100).toFixed(1).padStart(5)}%  ${name}`)
    .join("\n");
}

for (const file of process.argv.slice(2).flatMap(files)) {
  const profile = CpuProfile.parse(JSON.parse(readFileSync(file, "utf8")));
  const totals = emptyTotals();
  // Inclusive time for every frame with a file (not V8's own pseudo-frames).
  addSamples(totals, profile, (url) => url !== "");
  const { byFunction, byFile, inclusive, sampled: all } = totals;
  console.log(`\n${file}: ${(all / 1e6).toFixed(1)} s of CPU sampled (idle excluded)\n\nby function (self time)\n${top(byFunction, all, 30)}\n\nby function (inclusive, outside Next's and Node's own files)\n${top(new Map([...inclusive].filter(([name]) => !/ (next\/dist|node:)/.test(name))), all, 30)}\n\nby file\n${top(byFile, all, 20)}`);
}
