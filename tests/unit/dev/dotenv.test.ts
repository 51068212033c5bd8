import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDotEnv } from "@/lib/dev/dotenv";
import { parseEnv } from "@/lib/env";

function projectWithExample() {
  const root = mkdtempSync(path.join(tmpdir(), "cloakroom-dotenv-"));
  writeFileSync(path.join(root, ".env.example"), readFileSync(path.join(import.meta.dirname, "../../../.env.example")));
  return root;
}

function readDotEnv(root: string): Record<string, string> {
  const text = readFileSync(path.join(root, ".env"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

describe("ensureDotEnv", () => {
  it("writes .env from .env.example with a fresh secret that passes validation", () => {
    const root = projectWithExample();
    expect(ensureDotEnv(root)).toBe(true);
    const values = readDotEnv(root);
    expect(values.SESSION_SECRET!.length).toBeGreaterThanOrEqual(43);
    expect((statSync(path.join(root, ".env")).mode & 0o777).toString(8)).toBe("600");
    // Every variable in the example, as written, is accepted by lib/env once a database is given.
    expect(() => parseEnv({ ...values, DATABASE_URL: "postgresql://localhost/app" })).not.toThrow();
  });

  it("generates a different secret for every project", () => {
    const a = projectWithExample();
    const b = projectWithExample();
    ensureDotEnv(a);
    ensureDotEnv(b);
    expect(readDotEnv(a).SESSION_SECRET).not.toBe(readDotEnv(b).SESSION_SECRET);
  });

  it("never overwrites an existing .env", () => {
    const root = projectWithExample();
    writeFileSync(path.join(root, ".env"), "SESSION_SECRET=mine\n");
    expect(ensureDotEnv(root)).toBe(false);
    expect(readFileSync(path.join(root, ".env"), "utf8")).toBe("SESSION_SECRET=mine\n");
  });
});
