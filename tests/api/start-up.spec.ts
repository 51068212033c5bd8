import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "../fixtures";
import { freePort, startNextServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

const ROOT = path.resolve(import.meta.dirname, "../..");

// Starts a server of its own, with a broken configuration, next to the suite's server.
// `next start` run directly (as Vercel or a Dockerfile may): instrumentation.ts is the check.
test("a weak SESSION_SECRET stops the server at start-up, naming the variable", async () => {
  const server = await startNextServer({ ...serverEnv(readTestEnv("databaseUrl"), "too-short", "5") }, { waitReady: false });
  const code = await new Promise<number | null>((resolve) => server.process.once("exit", resolve));
  expect(code).not.toBe(0);
  expect(server.output()).toContain("SESSION_SECRET each secret must be at least 32 characters");
  expect(server.output(), "a stack trace").not.toMatch(/^\s+at /m);
  expect(server.output()).not.toMatch(/SESSION_SECRET\.\d/);
});

// Issue 12: `npm start` checks the configuration before `next start` listens (tests/unit/cli/
// env-errors.test.ts has the refusals); with a good one it is plain `next start` with its arguments.
test("npm start: with a good configuration, next start with the arguments given", async () => {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts;
  const [command, ...args] = scripts.start.split(" ");
  const port = await freePort();
  const child = spawn(command!, [...args, "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NEXT_TELEMETRY_DISABLED: "1", ...serverEnv(readTestEnv("databaseUrl"), readTestEnv("secret"), "5") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/login`).catch(() => null))?.status, { timeout: 60_000, message: output })
      .toBe(200);
    expect(output).toContain(`http://127.0.0.1:${port}`);
  } finally {
    // SIGTERM reaches next start through the launcher, which exits with it.
    child.kill("SIGTERM");
  }
  expect(await exited).not.toBeNull();
  expect(child.signalCode ?? child.exitCode).not.toBeNull();
});
