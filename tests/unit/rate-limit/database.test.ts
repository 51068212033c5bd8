import { describe, expect, it } from "vitest";
import { createDatabaseRateLimitStore } from "@/lib/rate-limit/database";
import { useTestDatabase } from "@/tests/support/vitest-database";

const db = useTestDatabase("unit_rate_limit");
const rule = { limit: 3, windowSeconds: 60, maxBlockSeconds: 600 };
const T0 = Date.UTC(2030, 0, 1);
const key = () => `k:${Math.random()}`;

describe("database rate-limit store", () => {
  it("allows the limit, then locks the key out for one window", async () => {
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    for (let i = 0; i < 3; i++) expect(await store.hit(k, rule, T0 + i)).toEqual({ allowed: true });
    expect(await store.check([k], T0 + 10)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(await store.hit(k, rule, T0 + 10)).toMatchObject({ allowed: false });
    expect(await store.check([k], T0 + 2 + 60_000)).toEqual({ allowed: true });
  });

  it("doubles each lock-out, up to the maximum", async () => {
    const store = createDatabaseRateLimitStore(db);
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
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    await store.hit(k, rule, T0);
    await store.hit(k, rule, T0 + 1);
    await store.hit(k, rule, T0 + 61_000); // a new window: counts from 1
    expect(await store.check([k], T0 + 61_001)).toEqual({ allowed: true });
  });

  it("reset forgets a key; check looks at every key given", async () => {
    const store = createDatabaseRateLimitStore(db);
    const [a, b] = [key(), key()];
    for (let i = 0; i < 3; i++) await store.hit(a, rule, T0);
    expect(await store.check([b, a], T0)).toMatchObject({ allowed: false });
    await store.reset(a);
    expect(await store.check([a, b], T0)).toEqual({ allowed: true });
  });

  it("counts concurrent hits on one key", async () => {
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    await Promise.all(Array.from({ length: 3 }, () => store.hit(k, rule, T0)));
    expect(await store.check([k], T0)).toMatchObject({ allowed: false });
  });

  it("a burst of parallel attempts gets exactly the limit through, and nothing throws (issue 10)", async () => {
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    const results = await Promise.all(Array.from({ length: 40 }, () => store.hit(k, rule, T0)));
    expect(results.filter((r) => r.allowed)).toHaveLength(rule.limit);
    expect(results.filter((r) => !r.allowed).every((r) => !r.allowed && r.retryAfterSeconds === 60)).toBe(true);
  });

  it("a reset racing a burst never breaks a hit (the row may vanish between statements)", async () => {
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? store.reset(k) : store.hit(k, { ...rule, limit: 1000 }, T0))),
    );
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    // Far below the limit, every hit is allowed: a row deleted mid-burst is never a refusal.
    expect(settled.filter((s) => s.status === "fulfilled" && s.value !== undefined && !s.value.allowed)).toEqual([]);
  });

  it("a key whose limit is 1 is locked out by its first event", async () => {
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    expect(await store.hit(k, { ...rule, limit: 1 }, T0)).toEqual({ allowed: true });
    expect(await store.hit(k, { ...rule, limit: 1 }, T0 + 1)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("release gives a reserved attempt back within its window, never after a lock-out started", async () => {
    const store = createDatabaseRateLimitStore(db);
    const k = key();
    const first = await store.reserve(k, rule, T0);
    const second = await store.reserve(k, rule, T0 + 1);
    if (!first.allowed || !second.allowed) throw new Error("expected reservations");
    await store.release(second, T0 + 2);
    await store.release(first, T0 + 2);
    // Both given back: the full limit is available again.
    for (let i = 0; i < 3; i++) expect(await store.hit(k, rule, T0 + 3)).toEqual({ allowed: true });
    const tripped = await store.reserve(k, rule, T0 + 4);
    expect(tripped).toMatchObject({ allowed: false });

    const other = key();
    const reservations = [];
    for (let i = 0; i < 3; i++) reservations.push(await store.reserve(other, rule, T0));
    for (const r of reservations) if (r.allowed) await store.release(r, T0 + 1);
    expect(await store.check([other], T0 + 1)).toEqual({ allowed: false, retryAfterSeconds: 60 });

    // A reservation from an earlier window gives nothing back to the current one.
    const late = key();
    const old = await store.reserve(late, rule, T0);
    await store.hit(late, rule, T0 + 61_000);
    await store.hit(late, rule, T0 + 61_001);
    if (old.allowed) await store.release(old, T0 + 61_002);
    expect(await store.hit(late, rule, T0 + 61_003)).toEqual({ allowed: true });
    expect(await store.check([late], T0 + 61_004)).toMatchObject({ allowed: false });
  });
});
