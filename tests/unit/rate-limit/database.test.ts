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
});
