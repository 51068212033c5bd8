import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { connectRedis, type RedisConnection } from "@/lib/redis";

export { dumpKeys } from "./redis-keys";

/**
 * The Redis unit tests use: REDIS_URL when set (CI sets it for the Redis runs), else the
 * machine's Redis, logical database 5. Each file gets its own key prefix, deleted afterwards, so
 * files running in parallel (and the Playwright run's own database) never see each other's keys.
 */
// `||`: an empty REDIS_URL means unset, as for the app (GitHub Actions exports an unset matrix value as "").
export const TEST_REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379/5";

export function useTestRedis(label: string): { redis: () => RedisConnection; prefix: string } {
  const connection = connectRedis(TEST_REDIS_URL, { label: `test redis (${label})` });
  const prefix = `test:${label}:${randomBytes(6).toString("hex")}:`;
  afterAll(async () => {
    // A test's own keys only, by prefix: SCAN is fine here, never on a request path.
    let cursor = "0";
    do {
      const [next, keys] = (await connection.command(["SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", "1000"])) as [string, string[]];
      cursor = next;
      if (keys.length > 0) await connection.command(["DEL", ...keys]);
    } while (cursor !== "0");
    await connection.close();
  });
  return { redis: () => connection, prefix };
}
