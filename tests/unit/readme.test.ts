import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nextDevArgs } from "@/lib/dev/next-dev-args";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const docs = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

// Issue 12: the README is for someone who just cloned the template; depth lives in docs/.
describe("README and docs", () => {
  it("the README stays short: at most 150 lines", () => {
    expect(read("README.md").split("\n").length).toBeLessThanOrEqual(150);
  });

  it("shows a screenshot made by a script in the repo", () => {
    expect(read("README.md")).toContain("](docs/screenshot.png)");
    expect(readFileSync(path.join(ROOT, "docs/screenshot.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(JSON.parse(read("package.json")).scripts.screenshot).toBe("tsx scripts/screenshot.ts");
  });

  it("says how to expose the dev server, with a command scripts/dev.ts honours, and warns why not to", () => {
    const readme = read("README.md");
    const command = /`npm run dev -- ([^`]+)`/.exec(readme);
    expect(command, "README shows `npm run dev -- <host flag>`").not.toBeNull();
    const args = nextDevArgs(command![1]!.split(" "));
    expect(args).not.toContain("127.0.0.1");
    expect(args).toContain("0.0.0.0");
    expect(readme).toMatch(/reach it from another device[\s\S]{0,200}demo passwords/);
  });

  // What a newcomer missed in the first hour (issue 12 item 8), each with a script that exists.
  it("says how to migrate a real database, make the first admin, and run Prisma's CLI offline", () => {
    const readme = read("README.md");
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    expect(readme).toMatch(/npm run db:deploy\s+# apply the migrations/);
    expect(readme).toContain("npm run user:create -- --email you@example.com --admin");
    expect(readme).toContain("PRISMA_SCHEMA_ENGINE_BINARY");
    for (const script of ["db:deploy", "user:create", "user:role"]) expect(scripts[script], script).toBeDefined();
  });

  it.each(docs)("%s: every relative link points at a file that exists", (file) => {
    const links = [...read(file).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^(https?:|mailto:|#)/.test(l));
    for (const link of links) {
      const target = path.resolve(path.dirname(path.join(ROOT, file)), link.split("#")[0]!);
      expect(existsSync(target), `${file} → ${link}`).toBe(true);
    }
  });
});
