import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisClientOf } from "../../src/cache/index.js";
import { CacheKeys } from "../../src/cache/keys.js";
import { withLock } from "../../src/cache/lock.js";
import { TwoTierCache } from "../../src/cache/two-tier.js";
import { AppError } from "../../src/errors.js";
import { dropNamespace, quietLogger, redisCache, uniqueNamespace } from "./support.js";

/** Runs `n` critical sections through `lock` concurrently and reports whether any two overlapped. */
async function overlapCheck(n: number, lock: (i: number, fn: () => Promise<void>) => Promise<void>) {
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      lock(i, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        order.push(i);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
      }),
    ),
  );
  return { maxInside, order };
}

describe("withLock, in-process (no Redis)", () => {
  const cache = new TwoTierCache({ logger: quietLogger });
  afterAll(() => cache.close());

  it("runs holders of one key one at a time, in arrival order", async () => {
    const key = CacheKeys.lock("conversation", "c1");
    const { maxInside, order } = await overlapCheck(20, (_i, fn) =>
      withLock({ cache }, key, { waitMs: 5000 }, fn),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("lets different keys run together and returns fn's value", async () => {
    let release!: () => void;
    const blocker = withLock(
      cache,
      CacheKeys.lock("conversation", "a"),
      {},
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    expect(await withLock(cache, CacheKeys.lock("conversation", "b"), {}, async () => 42)).toBe(42);
    release();
    await blocker;
  });

  it("gives up with CONFLICT after waitMs, and the queue goes on after it", async () => {
    const key = CacheKeys.lock("conversation", "busy");
    let release!: () => void;
    const holder = withLock(
      cache,
      key,
      {},
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    const err = await withLock(cache, key, { waitMs: 20 }, async () => "never").catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("CONFLICT");
    release();
    await holder;
    expect(await withLock(cache, key, { waitMs: 1000 }, async () => "next")).toBe("next");
  });

  it("releases the lock when fn throws", async () => {
    const key = CacheKeys.lock("conversation", "throws");
    await expect(
      withLock(cache, key, {}, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await withLock(cache, key, { waitMs: 100 }, async () => "free")).toBe("free");
  });
});

describe("withLock over Redis, two instances", () => {
  const namespace = uniqueNamespace("lock");
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

  it("never lets two instances hold one key at once", async () => {
    const key = CacheKeys.lock("conversation", "shared");
    const { maxInside, order } = await overlapCheck(16, (i, fn) =>
      withLock(i % 2 === 0 ? a : b, key, { ttlMs: 5000, waitMs: 10_000 }, fn),
    );
    expect(maxInside).toBe(1);
    expect(order).toHaveLength(16);
  });

  it("holds the key in Redis while fn runs and removes it after", async () => {
    const key = CacheKeys.lock("order", "o1");
    const driver = a.l2Driver;
    expect(driver).toBeDefined();
    let seenInside: string | null = null;
    await withLock(a, key, { ttlMs: 5000 }, async () => {
      seenInside = (await driver?.get(namespace + key)) ?? null;
      // The other instance cannot take it meanwhile.
      const err = await withLock(b, key, { waitMs: 60 }, async () => "no").catch((e) => e);
      expect((err as AppError).code).toBe("CONFLICT");
    });
    expect(seenInside).toMatch(/^[0-9a-f-]{36}$/);
    expect(await driver?.get(namespace + key)).toBeNull();
  });

  it("releaseInBackground: holders never overlap; the release reaches Redis before what is sent after it", async () => {
    const key = CacheKeys.lock("conversation", "background");
    const opts = { ttlMs: 5000, waitMs: 10_000, releaseInBackground: true };
    // Holders on both instances: the next one here queues behind the release on the same
    // connection, the other instance retries until Redis has released it.
    const { maxInside, order } = await overlapCheck(12, (i, fn) =>
      withLock(i % 3 === 0 ? b : a, key, opts, fn),
    );
    expect(maxInside).toBe(1);
    expect(order).toHaveLength(12);
    // The release was sent: it is gone once Redis has answered anything sent after it.
    const driver = a.l2Driver;
    await withLock(a, key, opts, async () => {});
    expect(await driver?.get(namespace + key)).toBeNull();
  });

  it("keeps a long holder's lock alive past its ttl (renewal)", async () => {
    const key = CacheKeys.lock("conversation", "long");
    await withLock(a, key, { ttlMs: 100 }, async () => {
      await new Promise((r) => setTimeout(r, 300));
      const err = await withLock(b, key, { waitMs: 30 }, async () => "no").catch((e) => e);
      expect((err as AppError).code).toBe("CONFLICT");
    });
  });

  it("releases only its own token, and still releases after Redis lost the scripts (SCRIPT FLUSH)", async () => {
    const key = CacheKeys.lock("conversation", "taken-over");
    const redis = redisClientOf(a);
    expect(redis).toBeDefined();
    // Scripts already loaded by earlier tests are gone: the release must fall back to EVAL.
    await redis!.script("FLUSH");
    await withLock(a, key, { ttlMs: 5000 }, async () => {
      // The lock expired and another holder took it meanwhile.
      await redis!.set(namespace + key, "someone-else", "PX", 5000);
    });
    expect(await redis!.get(namespace + key)).toBe("someone-else");
    await redis!.del(namespace + key);
    await redis!.script("FLUSH");
    await withLock(a, key, { ttlMs: 5000 }, async () => {});
    expect(await redis!.get(namespace + key)).toBeNull();
  });
});
