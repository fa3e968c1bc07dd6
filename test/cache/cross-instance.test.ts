/** Two app instances over one real Redis: a write on one is never served stale from the other's L1. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TwoTierCache } from "../../src/cache/two-tier.js";
import { dropNamespace, redisCache, uniqueNamespace } from "./support.js";

describe("two instances sharing one Redis", () => {
  const namespace = uniqueNamespace("cross");
  let a: TwoTierCache;
  let b: TwoTierCache;
  beforeAll(async () => {
    a = await redisCache(namespace);
    b = await redisCache(namespace);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await dropNamespace(namespace);
  });

  it("serves A's write from Redis on B, then keeps it in B's L1", async () => {
    await a.set("user:profile:x", { v: 1 }, { ttl: 60 });
    const before = (await b.stats()).l2Hits ?? 0;
    expect(await b.get("user:profile:x")).toEqual({ v: 1 });
    expect(await b.get("user:profile:x")).toEqual({ v: 1 });
    const after = await b.stats();
    expect((after.l2Hits ?? 0) - before).toBe(1);
    expect(after.l1Hits).toBeGreaterThanOrEqual(1);
  });

  it("a write kept in memory only (shared: drop) is never served stale by the other instance", async () => {
    const key = "conversation:c2:messages";
    await a.set(key, ["m1"], { ttl: 60 });
    expect(await b.get(key)).toEqual(["m1"]); // now in B's L1
    await a.setMany([{ key, value: ["m1", "m2"], ttl: 60 }], { shared: "drop" });
    await b.syncInvalidations();
    // A answers from its memory; Redis no longer has the old value, so B misses and loads.
    expect(await a.get(key)).toEqual(["m1", "m2"]);
    expect(await b.get(key)).toBeUndefined();
    expect(await b.getOrSet(key, async () => ["from-db"], { ttl: 60 })).toEqual(["from-db"]);
    // The next full write reaches B again.
    await a.set(key, ["m1", "m2", "m3"], { ttl: 60 });
    await b.syncInvalidations();
    expect(await b.get(key)).toEqual(["m1", "m2", "m3"]);
  });

  it("never serves a stale value from the other instance's L1 after set, delete, prefix delete or clear", async () => {
    const key = "conversation:c1:messages";
    let loads = 0;
    const loaderOf = (v: number) => async () => {
      loads++;
      return v;
    };
    for (let i = 0; i < 100; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      // The reader holds the previous value in its L1.
      await reader.getOrSet(key, loaderOf(-1), { ttl: 60 });
      await writer.set(key, i, { ttl: 60 });
      await reader.syncInvalidations();
      expect(await reader.get(key)).toBe(i);
    }
    await a.get(key);
    await b.delete(key);
    await a.syncInvalidations();
    expect(await a.get(key)).toBeUndefined();

    await a.setMany([
      { key: "menu:category:x", value: 1, ttl: 60 },
      { key: "menu:category:y", value: 2, ttl: 60 },
    ]);
    expect(await b.getMany(["menu:category:x", "menu:category:y"])).toEqual([1, 2]);
    expect(await a.deleteByPrefix("menu:category:")).toBe(2);
    await b.syncInvalidations();
    expect(await b.getMany(["menu:category:x", "menu:category:y"])).toEqual([undefined, undefined]);

    await b.set("settings:dynamic", { shop: "A" }, { ttl: 60 });
    expect(await a.get("settings:dynamic")).toEqual({ shop: "A" });
    await b.clear();
    await a.syncInvalidations();
    loads = 0;
    expect(await a.getOrSet("settings:dynamic", loaderOf(7), { ttl: 60 })).toBe(7);
    expect(loads).toBe(1);
  });

  it("keeps each instance's concurrent misses to one load", async () => {
    let loadsA = 0;
    let loadsB = 0;
    const results = await Promise.all([
      ...Array.from({ length: 500 }, () =>
        a.getOrSet("analytics:today", async () => ++loadsA && "today", { ttl: 60 }),
      ),
      ...Array.from({ length: 500 }, () =>
        b.getOrSet("analytics:today", async () => ++loadsB && "today", { ttl: 60 }),
      ),
    ]);
    expect(new Set(results)).toEqual(new Set(["today"]));
    expect(loadsA).toBeLessThanOrEqual(1);
    expect(loadsB).toBeLessThanOrEqual(1);
  });
});
