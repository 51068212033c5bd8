import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { createClient, ErrorReply, type RedisClientOptions } from "redis";

/**
 * The one Redis connection of a process (REDIS_URL, SPEC §9): sessions under
 * SESSION_STRATEGY=redis (lib/session/redis.ts) and rate limits under any strategy
 * (lib/rate-limit/redis.ts). Every call fails fast when Redis cannot answer, so the caller can
 * refuse with a 503 (fail closed) instead of letting anyone through or hanging.
 */

/** A TCP (or TLS) connection that does not come up within this long counts as down. */
export const CONNECT_TIMEOUT_MS = 2000;
/** A command without an answer within this long counts as failed: a request never hangs on Redis. */
export const COMMAND_TIMEOUT_MS = 2000;
/** While reconnecting after an outage, a request waits this long at most for the connection. */
const RECONNECT_WAIT_MS = 500;
/** Reconnect attempts back off to this at most, so the app recovers within about a second of Redis. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Redis cannot answer: down, unreachable, timed out, loading or read-only. The route wrapper and
 * the proxy answer 503 for it (lib/db-errors.ts recognises the name), never a pass.
 */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}

// Replies that say "not now" rather than "your script is wrong": the server is there but cannot
// serve (https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors).
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|OOM|NOREPLICAS|NOAUTH|WRONGPASS)\b/;

/** A URL's password is never in a message: only scheme, host, port and database. */
export function describeRedisUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ""}`;
}

/**
 * node-redis options for a `redis://` or `rediss://` URL (REDIS_URL), spelled out rather than
 * left to the URL parser so the TLS and timeout choices are explicit and unit-tested.
 */
export function redisClientOptions(url: string): RedisClientOptions {
  const parsed = new URL(url);
  const tls = parsed.protocol === "rediss:";
  if (!tls && parsed.protocol !== "redis:") throw new Error("REDIS_URL must start with redis:// or rediss://");
  const database = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(database) || database < 0) throw new Error("REDIS_URL's path must be a database number (redis://host:6379/0)");
  // IPv6 literals come bracketed in a URL; the socket wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const common = {
    host,
    port: parsed.port ? Number(parsed.port) : 6379,
    connectTimeout: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
  };
  return {
    // Managed Redis (Upstash, Redis Cloud, ElastiCache in transit encryption) speaks TLS on
    // rediss://: the certificate is verified against the host, never skipped. SNI carries a host
    // name only (RFC 6066 §3): for an IP address Node checks the certificate's IP entries itself,
    // and setting servername to one is deprecated (DEP0123).
    socket: tls ? { ...common, tls: true, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: true } : { ...common, tls: false },
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    // Fail closed and fast: while disconnected a command is refused at once instead of queued
    // until Redis is back (a queue that piles up requests which all hang, then all run late).
    disableOfflineQueue: true,
  };
}

type Client = ReturnType<typeof createClient>;

export type RedisConnection = {
  /** Runs a Lua script (EVALSHA, loading it on NOSCRIPT) within the command deadline. */
  script(source: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown>;
  /** Any other command, e.g. `["FLUSHDB"]`, within the command deadline. */
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
};

export type LuaScript = { source: string; sha: string };

export function lua(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * What to say at start-up about Redis's `maxmemory-policy`, or null when it is safe. Every key
 * the app writes has an expiry, so a `volatile-*` policy may evict lock-outs (lifting brute-force
 * protection), a user's index (a cap or logout everywhere that misses sessions) or a generation
 * key; an `allkeys-*` one live sessions too. Only `noeviction` fails closed (OOM → 503).
 */
export function evictionPolicyWarning(policy: string): string | null {
  return policy === "noeviction"
    ? null
    : `maxmemory-policy is ${policy}: Redis may evict rate-limit lock-outs and session indexes when full. Set maxmemory-policy noeviction (docs/deployment.md).`;
}

/**
 * Builds a connection: it connects at once and keeps reconnecting in the background.
 *
 * Every call has its own deadline (COMMAND_TIMEOUT_MS): node-redis's command timeout only covers
 * the wait to be written, so a Redis that stops answering (stopped, black-holed, a half-open
 * connection) would leave a written command pending forever. When the deadline passes, the client
 * is destroyed (every command pending on it is rejected, and no late reply can be matched to
 * another command) and a fresh one connects in its place.
 */
export function connectRedis(url: string, options: { label?: string } = {}): RedisConnection {
  const where = `Redis at ${describeRedisUrl(url)}`;
  const label = options.label ?? "redis";
  let lastLogged = 0;
  let everReady = false;
  let closed = false;
  let policyChecked = false;
  // Since when the current client has not been ready (null while it is).
  let notReadySince: number | null = Date.now();

  function log(message: string) {
    // One line per ten seconds: an outage is reported, not a log line per reconnect attempt.
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    console.error(`${label}: ${where} ${message}`);
  }

  function start(): Client {
    const fresh: Client = createClient(redisClientOptions(url));
    // node-redis emits every socket error; without a listener one would crash the process. A
    // replaced client keeps its listener: it may still report the socket it is tearing down.
    fresh.on("error", (error: unknown) => log(`is unreachable: ${error instanceof Error ? error.message : String(error)}`));
    fresh.on("ready", () => {
      everReady = true;
      if (fresh === client) notReadySince = null;
      if (!policyChecked) checkEvictionPolicy(fresh);
    });
    fresh.on("end", () => {
      if (fresh === client) notReadySince ??= Date.now();
    });
    fresh.connect().catch(() => undefined);
    return fresh;
  }

  function checkEvictionPolicy(on: Client) {
    policyChecked = true;
    on.sendCommand(["CONFIG", "GET", "maxmemory-policy"]).then(
      (reply: unknown) => {
        // RESP3 answers a map, RESP2 a flat list.
        const policy = Array.isArray(reply) ? reply[1] : reply && typeof reply === "object" ? Object.values(reply)[0] : undefined;
        const warning = typeof policy === "string" ? evictionPolicyWarning(policy) : null;
        if (warning) console.warn(`${label}: ${where}: ${warning}`);
      },
      // Managed services often disable CONFIG: nothing to check then.
      () => undefined,
    );
  }

  let client = start();

  /** Drops `stale` (if it is still the current client) for a fresh one. */
  function replace(stale: Client) {
    if (closed || stale !== client) return;
    stale.destroy();
    client = start();
    notReadySince = Date.now();
  }

  /**
   * The ready client: a first connection may take up to the connect timeout, a reconnection
   * during an outage a moment (RECONNECT_WAIT_MS), so requests fail fast meanwhile.
   */
  async function ready(): Promise<Client> {
    if (closed) throw new StoreUnavailableError(`${where}: the connection is closed`);
    if (client.isReady) return client;
    // A connection that is open but never becomes ready (its handshake sent to a Redis that does
    // not answer, and node-redis has no deadline for that) is replaced like a silent command.
    notReadySince ??= Date.now();
    if (Date.now() - notReadySince > CONNECT_TIMEOUT_MS + COMMAND_TIMEOUT_MS) replace(client);
    const waitingOn = client;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        onReady = resolve;
        waitingOn.once("ready", onReady);
        timer = setTimeout(resolve, everReady ? RECONNECT_WAIT_MS : CONNECT_TIMEOUT_MS);
      });
    } finally {
      // Removed whichever came first: during an outage every request would otherwise leave one.
      clearTimeout(timer);
      if (onReady) waitingOn.removeListener("ready", onReady);
    }
    if (!client.isReady) throw new StoreUnavailableError(`${where} is unreachable (not connected)`);
    return client;
  }

  async function call<T>(run: (on: Client) => Promise<T>): Promise<T> {
    const on = await ready();
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const running = run(on).finally(() => {
      answered = true;
    });
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // After a blocked event loop, timers run before sockets are read: a reply already waiting
        // must still win, so decide only after this turn's I/O (setImmediate runs after it).
        setImmediate(() => {
          if (answered) return;
          replace(on);
          reject(new StoreUnavailableError(`${where}: no answer within ${COMMAND_TIMEOUT_MS} ms`));
        });
      }, COMMAND_TIMEOUT_MS);
    });
    try {
      return await Promise.race([running, deadline]);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      if (error instanceof ErrorReply && !UNAVAILABLE_REPLIES.test(error.message)) throw error;
      throw new StoreUnavailableError(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    script(source, keys, args) {
      const options = { keys, arguments: args.map(String) };
      return call(async (on) => {
        try {
          return await on.evalSha(source.sha, options);
        } catch (error) {
          // A fresh server (restart, failover) has no script cache: load it once with EVAL.
          if (!(error instanceof ErrorReply && error.message.startsWith("NOSCRIPT"))) throw error;
          return on.eval(source.source, options);
        }
      });
    },
    command(args) {
      return call((on) => on.sendCommand(args));
    },
    async close() {
      closed = true;
      if (client.isReady) await client.close();
      else client.destroy();
    },
  };
}

// One connection per process: proxy.ts and the app are separate bundles in one server process.
const globalForRedis = globalThis as typeof globalThis & { cloakroomRedis?: Map<string, RedisConnection> };

/** The process's shared connection to `url`. */
export function sharedRedis(url: string): RedisConnection {
  globalForRedis.cloakroomRedis ??= new Map();
  let connection = globalForRedis.cloakroomRedis.get(url);
  if (!connection) {
    connection = connectRedis(url);
    globalForRedis.cloakroomRedis.set(url, connection);
  }
  return connection;
}
