import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { CpuProfile, shortenUrl } from "./cpu-profile";

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
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === "(idle)") return;
    all += micros;
    const where = shortenUrl(frame.url);
    const name = `${frame.functionName || "(anonymous)"}  ${where}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    byFile.set(where, (byFile.get(where) ?? 0) + micros);
    // Inclusive time: every distinct function on the sampled stack gets the sample once.
    const onStack = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
      const callFrame = byId.get(node)?.callFrame;
      if (callFrame?.url) onStack.add(`${callFrame.functionName || "(anonymous)"}  ${shortenUrl(callFrame.url)}:${callFrame.lineNumber + 1}`);
    }
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  });
  console.log(`\n${file}: ${(all / 1e6).toFixed(1)} s of CPU sampled (idle excluded)\n\nby function (self time)\n${top(byFunction, all, 30)}\n\nby function (inclusive, outside Next's and Node's own files)\n${top(new Map([...inclusive].filter(([name]) => !/ (next\/dist|node:)/.test(name))), all, 30)}\n\nby file\n${top(byFile, all, 20)}`);
}
