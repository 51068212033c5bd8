import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export type RunningServer = { url: string; process: ChildProcess; output: () => string; stop: () => Promise<void> };

/**
 * `next start` of the existing production build, on loopback, with exactly the given env. With
 * `dev`, `next dev` instead (development mode; it compiles each page on its first request, and
 * refuses to start while another `next dev` runs in this checkout).
 */
export async function startNextServer(env: Record<string, string>, options: { waitReady?: boolean; dev?: boolean } = {}): Promise<RunningServer> {
  const port = await freePort();
  const command = options.dev ? "dev" : "start";
  const args = [command, "--hostname", "127.0.0.1", "--port", String(port)];
  // Playwright's request client keeps idle sockets open with no timeout of its own; with Node's
  // 5 s server default, a request sent just as the server closes an idle socket fails with
  // "socket hang up" (seen in CI after a 6 s pause). Idle sockets stay open for a minute here.
  if (!options.dev) args.push("--keepAliveTimeout", "60000");
  const child = spawn(path.join(ROOT, "node_modules/.bin/next"), args, {
    cwd: ROOT,
    // Only what the test chooses: a developer's .env or shell must not leak into the run.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: options.dev ? "development" : "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
  if (options.waitReady === false) return server;

  // next dev compiles the home page on this first request: minutes on a busy two-core machine.
  const deadline = Date.now() + (options.dev ? 240_000 : 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next ${command} exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/`, { redirect: "manual" });
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(`next ${command} did not become ready on ${url}:\n${output}`);
}

export type ClockedServer = RunningServer & { advance: (seconds: number) => void };

/**
 * A server of its own whose clock a test moves forward (CLOAKROOM_TEST_CLOCK_FILE), so moving
 * time never expires what tests on the shared server hold.
 */
export async function startClockedServer(env: Record<string, string>): Promise<ClockedServer> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const clockFile = path.join(mkdtempSync(path.join(tmpdir(), "cloakroom-clock-")), "offset");
  writeFileSync(clockFile, "0");
  let offsetMs = 0;
  const server = await startNextServer({ ...env, CLOAKROOM_TEST_CLOCK_FILE: clockFile });
  return {
    ...server,
    advance: (seconds) => {
      offsetMs += seconds * 1000;
      writeFileSync(clockFile, String(offsetMs));
    },
  };
}
