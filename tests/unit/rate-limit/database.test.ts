import { describe, expect, it } from "vitest";
import { createDatabaseRateLimitStore } from "@/lib/rate-limit/database";
import { createRedisRateLimitStore } from "@/lib/rate-limit/redis";
import type { RateLimitStore } from "@/lib/rate-limit/types";
import { useTestRedis } from "@/tests/support/redis";
import { useTestDatabase } from "@/tests/support/vitest-database";

const db = useTestDatabase("unit_rate_limit");
const redis = useTestRedis("rate_limit");
const rule = { limit: 3, windowSeconds: 60, maxBlockSeconds: 600 };
const T0 = Date.UTC(2030, 0, 1);
const key = () => `k:${Math.random()}`;

// One behaviour, two stores: PostgreSQL (no REDIS_URL) and Redis (REDIS_URL set, SPEC §9).
const stores: Array<{ name: string; make: () => RateLimitStore }> = [
  { name: "database", make: () => createDatabaseRateLimitStore(db) },
  { name: "redis", make: () => createRedisRateLimitStore(redis.redis, redis.prefix) },
];

describe.each(stores)("$name rate-limit store", ({ make }) => {
  it("allows the limit, then locks the key out for one window", async () => {
    const store = make();
    const k = key();
    for (let i = 0; i < 3; i++) expect(await store.hit(k, rule, T0 + i)).toEqual({ allowed: true });
    expect(await store.check([k], T0 + 10)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(await store.hit(k, rule, T0 + 10)).toMatchObject({ allowed: false });
    expect(await store.check([k], T0 + 2 + 60_000)).toEqual({ allowed: true });
  });

  it("doubles each lock-out, up to the maximum", async () => {
    const store = make();
    const k = key();
    let t = T0;
    const blocks: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3; i++) await store.hit(k, rule, t);
      const check = await store.check([k], t);
      if (check.allowed) throw new Error("expected a lock-out");
      blocks.push(check.retryAfterSeconds);
      t += check.retryAfterSeconds * 1000;
    }
    expect(blocks).toEqual([60, 120, 240, 480, 600]);
  });

  it("counts within a window only", async () => {
    const store = make();
    const k = key();
    await store.hit(k, rule, T0);
    await store.hit(k, rule, T0 + 1);
    await store.hit(k, rule, T0 + 61_000); // a new window: counts from 1
    expect(await store.check([k], T0 + 61_001)).toEqual({ allowed: true });
  });

  it("reset forgets a key; check looks at every key given", async () => {
    const store = make();
    const [a, b] = [key(), key()];
    for (let i = 0; i < 3; i++) await store.hit(a, rule, T0);
    expect(await store.check([b, a], T0)).toMatchObject({ allowed: false });
    await store.reset(a);
    expect(await store.check([a, b], T0)).toEqual({ allowed: true });
  });

  it("counts concurrent hits on one key", async () => {
    const store = make();
    const k = key();
    await Promise.all(Array.from({ length: 3 }, () => store.hit(k, rule, T0)));
    expect(await store.check([k], T0)).toMatchObject({ allowed: false });
  });

  it("a burst of parallel attempts gets exactly the limit through, and nothing throws (issue 10)", async () => {
    const store = make();
    const k = key();
    const results = await Promise.all(Array.from({ length: 40 }, () => store.hit(k, rule, T0)));
    expect(results.filter((r) => r.allowed)).toHaveLength(rule.limit);
    expect(results.filter((r) => !r.allowed).every((r) => !r.allowed && r.retryAfterSeconds === 60)).toBe(true);
  });

  it("a reset racing a burst never breaks a hit (the row may vanish between statements)", async () => {
    const store = make();
    const k = key();
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? store.reset(k) : store.hit(k, { ...rule, limit: 1000 }, T0))),
    );
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    // Far below the limit, every hit is allowed: a row deleted mid-burst is never a refusal.
    expect(settled.filter((s) => s.status === "fulfilled" && s.value !== undefined && !s.value.allowed)).toEqual([]);
  });

  it("a key whose limit is 1 is locked out by its first event", async () => {
    const store = make();
    const k = key();
    expect(await store.hit(k, { ...rule, limit: 1 }, T0)).toEqual({ allowed: true });
    expect(await store.hit(k, { ...rule, limit: 1 }, T0 + 1)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("holds at most the limit's attempts at once; holds alone never lock a key out", async () => {
    const store = make();
    const k = key();
    const holds = await Promise.all(Array.from({ length: 10 }, () => store.reserve(k, rule, T0)));
    const allowed = holds.filter((h) => h.allowed);
    expect(allowed).toHaveLength(rule.limit);
    expect(holds.filter((h) => !h.allowed)).toEqual(Array(10 - rule.limit).fill({ allowed: false, retryAfterSeconds: 1 }));
    // Every held attempt succeeded (issue 10 review: successes must not start a lock-out).
    for (const hold of allowed) if (hold.allowed) await store.release(hold, T0 + 1);
    expect(await store.check([k], T0 + 1)).toEqual({ allowed: true });
    for (let i = 0; i < rule.limit; i++) expect(await store.reserve(k, rule, T0 + 2)).toMatchObject({ allowed: true });
  });

  it("held attempts that fail count; the failure that reaches the limit locks the key out", async () => {
    const store = make();
    const k = key();
    const holds = [];
    for (let i = 0; i < rule.limit; i++) holds.push(await store.reserve(k, rule, T0));
    for (const hold of holds.slice(0, -1)) if (hold.allowed) await store.failed(hold, T0 + 1);
    expect(await store.check([k], T0 + 1)).toEqual({ allowed: true });
    const last = holds.at(-1)!;
    if (last.allowed) await store.failed(last, T0 + 2);
    expect(await store.check([k], T0 + 2)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(await store.reserve(k, rule, T0 + 3)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    // After the lock-out, the window starts empty.
    for (let i = 0; i < rule.limit; i++) expect(await store.reserve(k, rule, T0 + 2 + 60_000)).toMatchObject({ allowed: true });
  });

  it("a few failures and a success: no lock-out, and the success's hold is given back", async () => {
    const store = make();
    const k = key();
    const [a, b, c] = [await store.reserve(k, rule, T0), await store.reserve(k, rule, T0), await store.reserve(k, rule, T0)];
    if (!a.allowed || !b.allowed || !c.allowed) throw new Error("expected holds");
    await store.failed(a, T0 + 1);
    await store.failed(b, T0 + 1);
    await store.release(c, T0 + 1);
    expect(await store.check([k], T0 + 1)).toEqual({ allowed: true });
    const next = await store.reserve(k, rule, T0 + 2);
    expect(next).toMatchObject({ allowed: true });
    expect(await store.reserve(k, rule, T0 + 2)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("a hold from an earlier window gives nothing back to the current one", async () => {
    const store = make();
    const k = key();
    const old = await store.reserve(k, rule, T0);
    const fresh = [await store.reserve(k, rule, T0 + 61_000), await store.reserve(k, rule, T0 + 61_000), await store.reserve(k, rule, T0 + 61_000)];
    expect(fresh.every((h) => h.allowed)).toBe(true);
    if (old.allowed) await store.release(old, T0 + 61_001);
    expect(await store.reserve(k, rule, T0 + 61_002)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("reset forgets failures and lock-outs, not the attempts other requests still hold", async () => {
    const store = make();
    const k = key();
    for (let i = 0; i < rule.limit; i++) expect(await store.reserve(k, rule, T0)).toMatchObject({ allowed: true });
    await store.reset(k);
    // The holds are still out: a new burst gets nothing until they settle.
    expect(await store.reserve(k, rule, T0 + 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
