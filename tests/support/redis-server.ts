import { spawn, type ChildProcess } from "node:child_process";
import { connectRedis, describeRedisUrl } from "@/lib/redis";
import { freePort } from "./server";

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

/**
 * Empties the run's logical database (REDIS_URL's /<db>): global-setup, once per run. Only on
 * this machine: a REDIS_URL left in the shell from other work (a staging or production Redis)
 * makes the run refuse to start instead of wiping that database.
 */
export async function flushRedis(url: string): Promise<void> {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) {
    throw new Error(`The test run empties REDIS_URL's database at start and does so only on a loopback address; ${describeRedisUrl(url)} is not one. Point REDIS_URL at a local Redis (redis://127.0.0.1:6379/5).`);
  }
  const redis = connectRedis(url, { label: "test flush" });
  try {
    await redis.command(["FLUSHDB"]);
  } finally {
    await redis.close();
  }
}

export type OwnRedis = {
  url: string;
  port: number;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** SIGSTOP: the server keeps its connections (and the kernel accepts new ones) but answers nothing. */
  pause: () => void;
  /** SIGCONT: it answers again, with everything it held. */
  resume: () => void;
};

/**
 * A redis-server of the test's own (never the machine's), on a free loopback port, without
 * persistence: the outage tests stop and start it, or pause and resume it. Started by `start()`,
 * stopped by `stop()`; every signal goes to this child only.
 */
export async function ownRedisServer(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let paused = false;
  const signal = (name: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      exited = new Promise((resolve) => child!.once("exit", () => resolve()));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const probe = connectRedis(own.url, { label: "test redis probe" });
        try {
          if ((await probe.command(["PING"])) === "PONG") return;
        } catch {
          // not listening yet
        } finally {
          await probe.close();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`redis-server on port ${port} did not start`);
    },
    async stop() {
      // A stopped process would hold SIGTERM until continued.
      if (paused) own.resume();
      signal("SIGTERM");
      await exited;
    },
    pause() {
      signal("SIGSTOP");
      paused = true;
    },
    resume() {
      signal("SIGCONT");
      paused = false;
    },
  };
  await own.start();
  return own;
}
