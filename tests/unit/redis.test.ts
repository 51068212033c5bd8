import { EventEmitter } from "node:events";
import { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databaseProblem, describeDatabaseProblem } from "@/lib/db-errors";
import { parseEnv } from "@/lib/env";
import { COMMAND_TIMEOUT_MS, connectRedis, describeRedisUrl, evictionPolicyWarning, redisClientOptions, StoreUnavailableError } from "@/lib/redis";
import { flushRedis, ownRedisServer, type OwnRedis } from "@/tests/support/redis-server";

const valid = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/app", SESSION_SECRET: "s".repeat(32) };

describe("REDIS_URL", () => {
  it("is optional, and required by SESSION_STRATEGY=redis with a message that says so", () => {
    expect(parseEnv(valid).redisUrl).toBeUndefined();
    expect(parseEnv({ ...valid, REDIS_URL: "" }).redisUrl).toBeUndefined();
    expect(() => parseEnv({ ...valid, SESSION_STRATEGY: "redis" })).toThrow(/REDIS_URL is not set, and SESSION_STRATEGY=redis keeps sessions there/);
    expect(parseEnv({ ...valid, SESSION_STRATEGY: "redis", REDIS_URL: "redis://127.0.0.1:6379/5" })).toMatchObject({
      sessionStrategy: "redis",
      redisUrl: "redis://127.0.0.1:6379/5",
    });
  });

  it("accepts redis:// and rediss:// only, with a database number as the path", () => {
    expect(parseEnv({ ...valid, REDIS_URL: "rediss://default:pw@eu1.upstash.example:6380" }).redisUrl).toBe("rediss://default:pw@eu1.upstash.example:6380");
    for (const bad of ["http://127.0.0.1:6379", "127.0.0.1:6379", "redis://127.0.0.1:6379/db", "valkey://x"]) {
      expect(() => parseEnv({ ...valid, REDIS_URL: bad }), bad).toThrow(/REDIS_URL/);
    }
  });

  it("refuses credentials with a bad percent escape at start-up, not at the first request", () => {
    for (const bad of ["redis://:pa%ss@127.0.0.1:6379/0", "rediss://us%zzer:pw@redis.example.com:6380"]) {
      expect(() => redisClientOptions(bad), bad).toThrow(URIError);
      expect(() => parseEnv({ ...valid, REDIS_URL: bad }), bad).toThrow(/REDIS_URL/);
    }
    expect(parseEnv({ ...valid, REDIS_URL: "redis://:pa%25ss@127.0.0.1:6379/0" }).redisUrl).toBe("redis://:pa%25ss@127.0.0.1:6379/0");
  });
});

describe("redisClientOptions", () => {
  it("redis://: plain TCP, host, port, database, credentials; fails fast (no offline queue)", () => {
    const options = redisClientOptions("redis://app:s%40cret@10.0.0.5:6390/3");
    expect(options).toMatchObject({ username: "app", password: "s@cret", database: 3, disableOfflineQueue: true });
    expect(options.socket).toMatchObject({ host: "10.0.0.5", port: 6390, tls: false, connectTimeout: 2000 });
  });

  it("rediss://: TLS with the certificate checked against the host name (SNI), default port 6379, database 0", () => {
    const options = redisClientOptions("rediss://default:token@redis.example.com");
    expect(options.socket).toMatchObject({ host: "redis.example.com", port: 6379, tls: true, servername: "redis.example.com", rejectUnauthorized: true });
    expect(options).toMatchObject({ username: "default", password: "token", database: 0 });
  });

  it("rediss:// to an IP address: no SNI server name (RFC 6066 allows host names only; Node deprecates an IP there, DEP0123), still verified", () => {
    for (const url of ["rediss://default:token@10.0.0.5:6380/0", "rediss://[::1]:6380"]) {
      const socket = redisClientOptions(url).socket as Record<string, unknown>;
      expect(socket, url).toMatchObject({ tls: true, rejectUnauthorized: true });
      expect(socket, url).not.toHaveProperty("servername");
    }
  });

  it("IPv6 literals lose their brackets; reconnects back off to a second at most", () => {
    const options = redisClientOptions("redis://[::1]:6379/0");
    expect(options.socket).toMatchObject({ host: "::1" });
    const strategy = (options.socket as { reconnectStrategy: (retries: number) => number }).reconnectStrategy;
    expect([0, 1, 2, 10, 100].map(strategy)).toEqual([50, 100, 200, 1000, 1000]);
  });

  it("never puts the password in a message", () => {
    expect(describeRedisUrl("rediss://default:hunter2@redis.example.com:6380/1")).toBe("rediss://redis.example.com:6380/1");
  });
});

describe("StoreUnavailableError", () => {
  it("is a store that cannot be reached (503, never 500), and its log line names REDIS_URL", () => {
    const error = new StoreUnavailableError("Redis at redis://127.0.0.1:6379/5: connect ECONNREFUSED 127.0.0.1:6379");
    const problem = databaseProblem(error);
    expect(problem).toEqual({ kind: "unreachable", detail: error.message });
    expect(describeDatabaseProblem(problem!)).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:6379\/5: .*check REDIS_URL/);
    // Wrapped by a caller, it is still recognised.
    expect(databaseProblem(new Error("login failed", { cause: error }))?.kind).toBe("unreachable");
  });
});

describe("evictionPolicyWarning", () => {
  it("accepts noeviction only: every key has an expiry, so volatile-* may evict lock-outs and indexes", () => {
    expect(evictionPolicyWarning("noeviction")).toBeNull();
    for (const policy of ["volatile-lru", "volatile-ttl", "allkeys-lru", "allkeys-random"]) {
      expect(evictionPolicyWarning(policy), policy).toMatch(/maxmemory-policy noeviction/);
    }
  });
});

describe("a Redis that stops answering", () => {
  let own: OwnRedis;

  beforeAll(async () => {
    own = await ownRedisServer();
  });

  afterAll(async () => {
    await own?.stop();
  });

  it("a command gets StoreUnavailableError at its own deadline, later ones fail fast and leave no listener behind, and the connection recovers by itself", async () => {
    // Every "ready" listener anyone adds with once(): each must have fired or been removed by the end.
    const waiting: Array<{ emitter: EventEmitter; listener: (...args: unknown[]) => void }> = [];
    const once = EventEmitter.prototype.once;
    const spy = vi.spyOn(EventEmitter.prototype, "once").mockImplementation(function (this: EventEmitter, event, listener) {
      if (event === "ready") waiting.push({ emitter: this, listener });
      return once.call(this, event, listener);
    });
    const connection = connectRedis(own.url, { label: "test paused redis" });
    try {
      expect(await connection.command(["SET", "k", "v"])).toBe("OK");
      own.pause(); // SIGSTOP to the test's own redis-server: connected, silent
      try {
        let started = Date.now();
        await expect(connection.command(["GET", "k"])).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - started).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
        expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + 1000);
        // The silent connection was dropped: the next calls wait for a new one briefly, never for Redis.
        for (let i = 0; i < 5; i++) {
          started = Date.now();
          await expect(connection.command(["GET", "k"])).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + 1000);
        }
        // Each of those waits gave up on its own: none left a listener behind (one per request
        // for as long as an outage lasts, otherwise).
        expect(waiting.length).toBeGreaterThanOrEqual(5);
        expect(waiting.filter(({ emitter, listener }) => emitter.listeners("ready").includes(listener))).toEqual([]);
      } finally {
        own.resume();
      }
      await expect.poll(() => connection.command(["GET", "k"]).catch(() => "unavailable"), { timeout: 10_000 }).toBe("v");
    } finally {
      spy.mockRestore();
      await connection.close();
    }
  }, 40_000);

  it("a reply that reached the socket while the event loop was blocked past the deadline still wins, and the connection is kept", async () => {
    const connection = connectRedis(own.url, { label: "test blocked event loop" });
    try {
      expect(await connection.command(["SET", "blocked", "v"])).toBe("OK");
      // Block right after node-redis hands the GET to the socket (it writes in an immediate of its
      // own, corked, and uncork() flushes): the deadline is running, Redis answers meanwhile, and
      // the reply waits in the socket — a long GC pause or render past the deadline.
      const uncork = Socket.prototype.uncork;
      let armed = true;
      let blocked = false;
      const spy = vi.spyOn(Socket.prototype, "uncork").mockImplementation(function (this: Socket) {
        uncork.call(this);
        if (!armed) return;
        armed = false;
        blocked = true;
        const until = Date.now() + COMMAND_TIMEOUT_MS + 300;
        while (Date.now() < until) {
          // busy on purpose
        }
      });
      try {
        await expect(connection.command(["GET", "blocked"])).resolves.toBe("v");
      } finally {
        spy.mockRestore();
      }
      expect(blocked, "the event loop was blocked after the command was written").toBe(true);
      // Kept, not replaced: the next command is answered at once, with no reconnect in between.
      const started = Date.now();
      expect(await connection.command(["GET", "blocked"])).toBe("v");
      expect(Date.now() - started).toBeLessThan(200);
    } finally {
      await connection.close();
    }
  }, 20_000);

  it("warns at connect when maxmemory-policy is not noeviction", async () => {
    const setup = connectRedis(own.url, { label: "test policy" });
    await setup.command(["CONFIG", "SET", "maxmemory-policy", "volatile-lru"]);
    await setup.close();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const connection = connectRedis(own.url, { label: "test policy" });
    try {
      await connection.command(["PING"]);
      await expect.poll(() => warn.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringMatching(/maxmemory-policy is volatile-lru: .*noeviction/)]);
    } finally {
      warn.mockRestore();
      await connection.close();
    }
  });
});

describe("flushRedis (the test run's start)", () => {
  it("refuses any Redis but a loopback one, before connecting, and never names the password", async () => {
    for (const url of ["redis://:hunter2@10.0.0.5:6379/1", "rediss://default:hunter2@redis.example.com:6380/0"]) {
      const refused = flushRedis(url);
      await expect(refused, url).rejects.toThrow(/only on a loopback address/);
      await expect(refused, url).rejects.not.toThrow(/hunter2/);
    }
  });
});
