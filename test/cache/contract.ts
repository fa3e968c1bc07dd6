/**
 * The cache contract: every implementation (memory only, memory + Redis, memory + a failing or
 * stalling Redis) must pass it. `make` builds a fresh cache reading the given clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CacheKeys, CacheTTL } from "../../src/cache/keys.js";
import type { AppCache } from "../../src/cache/types.js";
import { manualClock } from "./support.js";

export interface ContractHandle {
  cache: AppCache;
  close(): Promise<void>;
}

export function cacheContract(name: string, make: (now: () => number) => Promise<ContractHandle>) {
  describe(`cache contract: ${name}`, () => {
    let handle: ContractHandle | undefined;
    const open = async (clock = manualClock()) => {
      handle = await make(clock.now);
      return { cache: handle.cache, clock };
    };
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    it("returns undefined for a missing key and what was set for a present one", async () => {
      const { cache } = await open();
      expect(await cache.get("user:profile:nobody")).toBeUndefined();
      await cache.set("user:profile:u1", { name: "Ann", visits: 3 }, { ttl: 60 });
      expect(await cache.get("user:profile:u1")).toEqual({ name: "Ann", visits: 3 });
    });

    it("returns JSON-shaped, frozen values from every tier", async () => {
      const { cache } = await open();
      const at = new Date("2026-01-02T03:04:05.000Z");
      await cache.set("order:status:o1", { at, tags: ["a"] }, { ttl: 60 });
      const got = await cache.get<{ at: string; tags: string[] }>("order:status:o1");
      expect(got).toEqual({ at: "2026-01-02T03:04:05.000Z", tags: ["a"] });
      expect(() => got?.tags.push("b")).toThrow(TypeError);
      const loaded = await cache.getOrSet("order:status:o2", async () => ({ at }), { ttl: 60 });
      expect(loaded).toEqual({ at: "2026-01-02T03:04:05.000Z" });
    });

    it("peeks at this process's fresh copy only, without counting it", async () => {
      const { cache, clock } = await open();
      const key = CacheKeys.fullContext("p1");
      expect(cache.peek(key)).toBeUndefined();
      await cache.set(key, { paragraph: "New client." }, { ttl: 60 });
      expect(cache.peek(key)).toEqual({ paragraph: "New client." });
      expect((await cache.stats()).byPrefix["full_context:"]).toMatchObject({ hits: 0, misses: 0 });
      clock.advance(60_001);
      expect(cache.peek(key)).toBeUndefined();
      await cache.setMany([{ key, value: { paragraph: "Again." }, ttl: 60, shared: "drop" }]);
      expect(cache.peek(key)).toEqual({ paragraph: "Again." });
      await cache.delete(key);
      expect(cache.peek(key)).toBeUndefined();
    });

    it("expires a value after its TTL", async () => {
      const { cache, clock } = await open();
      await cache.set("orders:pending", [1, 2], { ttl: CacheTTL.pendingOrders });
      clock.advance(CacheTTL.pendingOrders * 1000 - 1);
      expect(await cache.get("orders:pending")).toEqual([1, 2]);
      clock.advance(2);
      expect(await cache.get("orders:pending")).toBeUndefined();
    });

    it("runs the loader on a miss only, and counts hits and misses per prefix", async () => {
      const { cache } = await open();
      let runs = 0;
      const loader = async () => {
        runs++;
        return { items: runs };
      };
      const key = CacheKeys.menuItems();
      expect(await cache.getOrSet(key, loader, { ttl: 60 })).toEqual({ items: 1 });
      expect(await cache.getOrSet(key, loader, { ttl: 60 })).toEqual({ items: 1 });
      expect(runs).toBe(1);
      const stats = await cache.stats();
      expect(stats.byPrefix["menu:"]).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, keys: 1 });
      expect(stats.hits).toBe(1);
      expect(stats.misses).toBe(1);
      expect(stats.tiers[0]).toEqual({ name: "memory", available: true });
    });

    it("runs the loader once for 1,000 concurrent misses on one key", async () => {
      const { cache } = await open();
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const loader = async () => {
        runs++;
        await gate;
        return "catalog";
      };
      const all = Array.from({ length: 1000 }, () => cache.getOrSet("menu:items", loader, { ttl: 60 }));
      release();
      const values = await Promise.all(all);
      expect(runs).toBe(1);
      expect(new Set(values)).toEqual(new Set(["catalog"]));
    });

    it("does not cache undefined, nor a loader's error", async () => {
      const { cache } = await open();
      let runs = 0;
      await cache.getOrSet(
        "session:s1",
        async () => {
          runs++;
          return undefined;
        },
        { ttl: 60 },
      );
      await cache.getOrSet(
        "session:s1",
        async () => {
          runs++;
          return undefined;
        },
        { ttl: 60 },
      );
      expect(runs).toBe(2);
      await expect(
        cache.getOrSet(
          "session:s2",
          async () => {
            throw new Error("db down");
          },
          { ttl: 60 },
        ),
      ).rejects.toThrow("db down");
      expect(await cache.getOrSet("session:s2", async () => "ok", { ttl: 60 })).toBe("ok");
    });

    it("serves the stale value within the grace period when the loader fails", async () => {
      const { cache, clock } = await open();
      await cache.getOrSet("settings:dynamic", async () => ({ shop: "v1" }), { ttl: 10 });
      clock.advance(11_000);
      const failing = async (): Promise<{ shop: string }> => {
        throw new Error("db down");
      };
      expect(await cache.getOrSet("settings:dynamic", failing, { ttl: 10 })).toEqual({ shop: "v1" });
      clock.advance(24 * 3600 * 1000);
      await expect(cache.getOrSet("settings:dynamic", failing, { ttl: 10 })).rejects.toThrow("db down");
    });

    it("never serves a deleted value, even from grace", async () => {
      const { cache, clock } = await open();
      await cache.set("conversation:c1", "old", { ttl: 10 });
      await cache.delete("conversation:c1");
      clock.advance(11_000);
      await expect(
        cache.getOrSet(
          "conversation:c1",
          async () => {
            throw new Error("db down");
          },
          { ttl: 10 },
        ),
      ).rejects.toThrow("db down");
    });

    it("does not cache what a load read before a concurrent invalidation", async () => {
      const { cache } = await open();
      let release!: (v: string) => void;
      const slow = cache.getOrSet(
        "orders:user:p1",
        () =>
          new Promise<string>((r) => {
            release = r;
          }),
        { ttl: 60 },
      );
      await new Promise((r) => setTimeout(r, 5));
      await cache.delete("orders:user:p1");
      release("read-before-the-write");
      expect(await slow).toBe("read-before-the-write");
      expect(await cache.get("orders:user:p1")).toBeUndefined();
    });

    it("deletes several keys at once", async () => {
      const { cache } = await open();
      await cache.setMany([
        { key: "user:profile:a", value: 1, ttl: 60 },
        { key: "user:profile:b", value: 2, ttl: 60 },
        { key: "user:profile:c", value: 3, ttl: 60 },
      ]);
      await cache.delete("user:profile:a", "user:profile:b");
      expect(await cache.getMany(["user:profile:a", "user:profile:b", "user:profile:c"])).toEqual([
        undefined,
        undefined,
        3,
      ]);
    });

    it("deletes, on every tier, an entry given with value undefined, in the same call as writes", async () => {
      const { cache } = await open();
      await cache.setMany([
        { key: "conversations:user:p1", value: ["c1"], ttl: 60 },
        { key: "agent:session:c1", value: { v: 1 }, ttl: 60 },
      ]);
      await cache.setMany([
        { key: "agent:session:c1", value: { v: 2 }, ttl: 60 },
        { key: "conversations:user:p1", value: undefined, ttl: 0 },
      ]);
      // Not from this process's memory, nor from the shared tier.
      expect(await cache.get("conversations:user:p1")).toBeUndefined();
      expect(await cache.getOrSet("conversations:user:p1", async () => ["loaded"], { ttl: 60 })).toEqual([
        "loaded",
      ]);
      expect(await cache.get("agent:session:c1")).toEqual({ v: 2 });
    });

    it("mixes shared modes per entry in one call; a key named twice takes its last entry", async () => {
      const { cache } = await open();
      await cache.setMany(
        [
          { key: "conversation:c1", value: "memory only", ttl: 60 },
          { key: "user:profile:u1", value: "both tiers", ttl: 60, shared: "write" },
          { key: "menu:items", value: 1, ttl: 60, shared: "write" },
          { key: "menu:items", value: 2, ttl: 60 },
        ],
        { shared: "drop" },
      );
      expect(await cache.getMany(["conversation:c1", "user:profile:u1", "menu:items"])).toEqual([
        "memory only",
        "both tiers",
        2,
      ]);
    });

    it("gets and sets many keys in one call, in order", async () => {
      const { cache } = await open();
      const entries = Array.from({ length: 100 }, (_, i) => ({
        key: `menu:category:c${i}`,
        value: { i },
        ttl: 60,
      }));
      await cache.setMany(entries);
      const keys = [...entries.map((e) => e.key), "menu:category:none"];
      const got = await cache.getMany<{ i: number }>(keys);
      expect(got.slice(0, 100).map((v) => v?.i)).toEqual(entries.map((_, i) => i));
      expect(got[100]).toBeUndefined();
    });

    it("deletes by prefix, returning the count and leaving other keys", async () => {
      const { cache } = await open();
      await cache.setMany(
        Array.from({ length: 25 }, (_, i) => ({ key: `analytics:funnel:p${i}`, value: i, ttl: 60 })),
      );
      await cache.set("analyticsX:other", 1, { ttl: 60 });
      await cache.set("menu:items", [1], { ttl: 60 });
      expect(await cache.deleteByPrefix("analytics:")).toBe(25);
      expect(await cache.get("analytics:funnel:p3")).toBeUndefined();
      expect(await cache.get("menu:items")).toEqual([1]);
      expect(await cache.get("analyticsX:other")).toBe(1);
      expect(await cache.deleteByPrefix("analytics:")).toBe(0);
    });

    it("clears everything", async () => {
      const { cache } = await open();
      await cache.set("menu:items", [1], { ttl: 60 });
      await cache.set("user:profile:z", 1, { ttl: 60 });
      await cache.clear();
      expect(await cache.getMany(["menu:items", "user:profile:z"])).toEqual([undefined, undefined]);
      expect((await cache.stats()).totalKeys).toBe(0);
    });

    it("reports key counts per prefix", async () => {
      const { cache } = await open();
      await cache.setMany([
        { key: CacheKeys.userProfile("a"), value: 1, ttl: 60 },
        { key: CacheKeys.userProfile("b"), value: 1, ttl: 60 },
        { key: CacheKeys.orderStatus("o"), value: 1, ttl: 60 },
      ]);
      const stats = await cache.stats();
      expect(stats.byPrefix["user:profile:"]?.keys).toBe(2);
      expect(stats.byPrefix["order:status:"]?.keys).toBe(1);
      expect(stats.totalKeys).toBe(3);
      expect(stats.memory.l1Entries).toBe(3);
    });
  });
}
