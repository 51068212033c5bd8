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
