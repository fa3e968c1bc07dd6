/**
 * During a Redis outage the invalidation bus is down too, so another instance's write cannot
 * reach this instance's L1. What an instance caches while its bus is disconnected is therefore
 * kept only briefly (l1TtlWithoutBusMs), not for the key's whole TTL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoRedisDriver } from "../../src/cache/drivers/ioredis.js";
import { TwoTierCache } from "../../src/cache/two-tier.js";
import { PrivateRedis } from "./redis-server.js";
import { manualClock, quietLogger, uniqueNamespace } from "./support.js";

describe("L1 lifetimes while the bus is down", () => {
  const redis = new PrivateRedis(6380 + (process.pid % 9));
  const clock = manualClock();
  let cache: TwoTierCache;

  beforeAll(async () => {
    await redis.start();
    const driver = new IoRedisDriver(redis.url);
    await driver.waitReady();
    cache = await new TwoTierCache({
      logger: quietLogger,
      namespace: uniqueNamespace("stale"),
      l2: driver,
      timeoutMs: 200,
      breakMs: 300,
      l1TtlWithoutBusMs: 5000,
      now: clock.now,
    }).start();
  });
  afterAll(async () => {
    await cache.close();
    await redis.kill();
  });

  it("keeps a value its full TTL with the bus up, and only 5 s while Redis is down", async () => {
    let version = 0;
    const load = async () => ({ version: ++version });
    expect(await cache.getOrSet("orders:pending", load, { ttl: 60 })).toEqual({ version: 1 });
    clock.advance(30_000);
    expect(await cache.getOrSet("orders:pending", load, { ttl: 60 })).toEqual({ version: 1 });

    await redis.kill();
    await cache.delete("orders:pending");
    const deadline = Date.now() + 10_000;
    while (cache.l2Driver?.busConnected() && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(cache.l2Driver?.busConnected()).toBe(false);

    expect(await cache.getOrSet("orders:pending", load, { ttl: 60 })).toEqual({ version: 2 });
    clock.advance(4_000);
    expect(await cache.getOrSet("orders:pending", load, { ttl: 60 })).toEqual({ version: 2 });
    clock.advance(1_500);
    // Past the 5 s cap (long before the 60 s TTL): loaded again, as another instance may have written.
    expect(await cache.getOrSet("orders:pending", load, { ttl: 60 })).toEqual({ version: 3 });
  });
});
