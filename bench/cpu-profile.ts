import { z } from "zod";

/** The part of a V8 CPU profile (.cpuprofile, or the inspector's Profiler.stop) that the summaries read. */
export const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof CpuProfile>;

/** A frame's file, as short as it reads: relative to the checkout, or from its package name on. */
export function shortenUrl(url: string): string {
  const trimmed = url.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
  const modules = trimmed.lastIndexOf("node_modules/");
  return modules >= 0 ? trimmed.slice(modules + "node_modules/".length) : trimmed || "(native)";
}

/** A frame as the tables name it: function, file and line. */
function frameName(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  return `${frame.functionName || "(anonymous)"}  ${shortenUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/** Sampled CPU in µs: self time by function and by file, inclusive time by function, and the whole. */
export type SampleTotals = { byFunction: Map<string, number>; byFile: Map<string, number>; inclusive: Map<string, number>; sampled: number };

export function emptyTotals(): SampleTotals {
  return { byFunction: new Map(), byFile: new Map(), inclusive: new Map(), sampled: 0 };
}

/**
 * Adds a profile's samples to `totals`, idle excluded. Inclusive time goes to every distinct frame
 * on the sampled stack that `inclusiveOf` keeps, once a sample.
 */
export function addSamples(totals: SampleTotals, profile: CpuProfile, inclusiveOf: (url: string) => boolean): void {
  const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const stacks = new Map<number, Set<string>>();
  const onStack = (leaf: number) => {
    let names = stacks.get(leaf);
    if (!names) {
      names = new Set();
      for (let node: number | undefined = leaf; node !== undefined; node = parentOf.get(node)) {
        const frame = byId.get(node)?.callFrame;
        if (frame && inclusiveOf(frame.url)) names.add(frameName(frame));
      }
      stacks.set(leaf, names);
    }
    return names;
  };
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === "(idle)") return;
    totals.sampled += micros;
    add(totals.byFunction, frameName(frame), micros);
    add(totals.byFile, shortenUrl(frame.url), micros);
    for (const name of onStack(id)) add(totals.inclusive, name, micros);
  });
}
