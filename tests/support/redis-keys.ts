import type { RedisConnection } from "@/lib/redis";

// For tests only: SCAN walks the keyspace, which no request path ever does.

/** Every key under `prefix` with its value (strings, hash fields, set members) and its PTTL. */
export async function dumpKeys(redis: RedisConnection, prefix: string): Promise<Array<{ key: string; type: string; values: string[]; pttl: number }>> {
  const out: Array<{ key: string; type: string; values: string[]; pttl: number }> = [];
  let cursor = "0";
  do {
    const [next, keys] = (await redis.command(["SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", "1000"])) as [string, string[]];
    cursor = next;
    for (const key of keys) {
      const type = String(await redis.command(["TYPE", key]));
      const raw =
        type === "hash"
          ? await redis.command(["HGETALL", key])
          : type === "zset"
            ? await redis.command(["ZRANGE", key, "0", "-1", "WITHSCORES"])
            : await redis.command(["GET", key]);
      const values = Array.isArray(raw) ? raw.flat().map(String) : typeof raw === "object" && raw !== null ? Object.entries(raw).flat().map(String) : [String(raw)];
      out.push({ key, type, values, pttl: Number(await redis.command(["PTTL", key])) });
    }
  } while (cursor !== "0");
  return out;
}
