import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// SPEC §1 and issue 12: floors a template user must not lower by accident.
const ROOT = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

/** The lowest version a `^x.y.z`, `~x.y.z`, `>=x.y.z` or exact range allows, as [major, minor, patch]. */
function floor(range: string): number[] {
  const match = /^(?:\^|~|>=)?\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range.trim());
  if (!match) throw new Error(`unexpected version range ${range}: keep it a simple floor`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

const atLeast = (version: number[], min: number[]) => {
  for (let i = 0; i < 3; i++) if (version[i] !== min[i]) return version[i]! > min[i]!;
  return true;
};

describe("dependency floors", () => {
  it("next is at least 16.4 (earlier versions let .rsc and prefetch URLs skip the proxy)", () => {
    expect(atLeast(floor(pkg.dependencies.next!), [16, 4, 0])).toBe(true);
  });

  it("the README names the next floor package.json sets, and why (issue 12)", () => {
    const [major, minor] = floor(pkg.dependencies.next!);
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`Next.js ${major}.${minor} or later`);
    expect(readme).toMatch(/proxy-bypass advisories/);
    expect(readme).toContain("](docs/deployment.md#maintaining-dependencies)");
  });

  it("Node.js is at least 22.13 (iron-session 9)", () => {
    expect(atLeast(floor(pkg.engines.node), [22, 13, 0])).toBe(true);
  });

  it("the GitHub workflow audits dependencies at high severity", () => {
    const workflow = readFileSync(path.join(ROOT, ".github/workflows/ci.yml"), "utf8");
    // A step line of its own: a commented-out `# - run: npm audit …` does not count.
    const auditStep = /^\s*- run: npm audit --audit-level=high\s*$/m;
    expect("      # - run: npm audit --audit-level=high\n").not.toMatch(auditStep);
    expect(workflow).toMatch(auditStep);
  });
});
