import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "@/tests/support/server";

// Issue 12 item 6: a bad variable stops every entry point with one line per variable (name, what
// is wrong, how to fix) and exit code 1: no stack trace, and no server that said "Ready" first.

const ROOT = path.resolve(import.meta.dirname, "../../..");
// A database nobody listens on: nothing may get as far as connecting to it.
const UNUSED_DATABASE = "postgresql://postgres@127.0.0.1:1/unused";
const PRISMA_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(PRISMA_|CHECKPOINT_DISABLE$)/.test(name)));

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  // Only what the test chooses (a SESSION_SECRET given here also keeps `npm run dev` from writing
  // .env). No NODE_ENV: each entry point applies its own default, as when a person runs it.
  const childEnv: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NEXT_TELEMETRY_DISABLED: "1", ...PRISMA_ENV, ...env };
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: ROOT, timeout: 60_000, env: childEnv as NodeJS.ProcessEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end();
  });
}

function expectOneLineMessage(result: { code: number; output: string }, lines: string[]) {
  expect(result.code, result.output).toBe(1);
  expect(result.output).toContain("Invalid environment configuration:\n");
  for (const line of lines) expect(result.output).toContain(`\n  ${line}`);
  expect(result.output).toContain("See .env.example for every variable.");
  expect(result.output, "a stack trace").not.toMatch(/^\s+at /m);
  expect(result.output, "zod's path into a value").not.toMatch(/SESSION_SECRET\.\d/);
  expect(result.output).not.toMatch(/EnvError|ZodError/);
  expect(result.output, "a server that started").not.toMatch(/Ready in|▲ Next\.js/);
}

const SHORT_SECRET = "SESSION_SECRET each secret must be at least 32 characters. Generate one with `openssl rand -base64 32`.";

describe("a bad environment at every entry point", () => {
  it("npm start: checked before next start listens (no 'Ready', then exit)", async () => {
    const port = String(await freePort());
    const result = await run("npm", ["start", "--", "--hostname", "127.0.0.1", "--port", port], {
      SESSION_SECRET: "short",
      DATABASE_URL: "mysql://root@127.0.0.1/app",
    });
    expectOneLineMessage(result, [SHORT_SECRET, "DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/db)."]);
  }, 60_000);

  // The issue's own case: `npm start` with no DATABASE_URL used to print "Ready in 107ms", then exit 1.
  it("npm start without DATABASE_URL: one line, and nothing listens", async () => {
    const port = String(await freePort());
    // Empty counts as unset, and a shell variable wins over a DATABASE_URL in a developer's .env.
    const result = await run("npm", ["start", "--", "--hostname", "127.0.0.1", "--port", port], { SESSION_SECRET: "x".repeat(32), DATABASE_URL: "" });
    expectOneLineMessage(result, ["DATABASE_URL is not set. Run `npm run dev` (it starts the embedded database) or set a PostgreSQL URL."]);
  }, 60_000);

  it("npm run dev: checked before the embedded database or next dev starts", async () => {
    const result = await run(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/dev.ts"], { SESSION_SECRET: "short" });
    expectOneLineMessage(result, [SHORT_SECRET]);
    expect(result.output).not.toContain("embedded PostgreSQL");
  }, 60_000);

  it("npm run dev with DATABASE_URL: checked before any migration", async () => {
    const result = await run(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/dev.ts"], { SESSION_SECRET: "short", DATABASE_URL: UNUSED_DATABASE });
    expectOneLineMessage(result, [SHORT_SECRET]);
    expect(result.output).not.toContain("migrat");
  }, 60_000);

  it.each([
    ["db:seed", []],
    ["db:cleanup", []],
    ["user:role", ["--", "--email", "someone@example.test", "--role", "admin"]],
    // Before the password prompt (standard input is closed here).
    ["user:create", ["--", "--email", "someone@example.test"]],
  ])("npm run %s (through scripts/with-db.ts)", async (script, args) => {
    const result = await run("npm", ["run", script, ...args], { SESSION_SECRET: "short", DATABASE_URL: UNUSED_DATABASE, CLOAKROOM_EMBEDDED_DB: "1" });
    expectOneLineMessage(result, [SHORT_SECRET]);
    expect(result.output).not.toContain("Password:");
  }, 60_000);
});
