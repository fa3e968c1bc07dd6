/**
 * Redis killed mid-run: every request keeps succeeding from L1 and the database, the outage is
 * logged once, and once Redis is back hits come from it again.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/index.js";
import type { TwoTierCache } from "../../src/cache/two-tier.js";
import { createLogger } from "../../src/logger.js";
import { createTestApp, staffAuth, testConfig } from "../helpers/app.js";
import { PrivateRedis } from "./redis-server.js";
import { dropNamespace, uniqueNamespace } from "./support.js";

function capturingLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("info", stream), lines };
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe("Redis killed mid-run", () => {
  const redis = new PrivateRedis();
  const namespace = uniqueNamespace("outage");
  let cache: TwoTierCache;
  let writer: TwoTierCache;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    await redis.start();
    const config = testConfig({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: namespace, CACHE_TIMEOUT_MS: "200" });
    cache = await createCache(config, logger, { breakMs: 300 });
    writer = await createCache(config, createLogger("silent"), { breakMs: 300 });
  });
  afterAll(async () => {
    await cache.close();
    await writer.close();
    await dropNamespace(namespace, redis.url);
    await redis.kill();
  });

  it("keeps answering from memory and the loader, logs once, and uses Redis again after a restart", async () => {
    let loads = 0;
    const loader = async () => {
      loads++;
      return { catalog: "from-db" };
    };
    expect(await cache.getOrSet("menu:items", loader, { ttl: 60 })).toEqual({ catalog: "from-db" });
    expect(cache.l2Available()).toBe(true);

    await redis.kill();
    for (let i = 0; i < 200; i++) {
      expect(await cache.getOrSet("menu:items", loader, { ttl: 60 })).toEqual({ catalog: "from-db" });
      expect(
        await cache.getOrSet(`user:profile:u${i % 10}`, async () => ({ id: i % 10 }), { ttl: 60 }),
      ).toEqual({
        id: i % 10,
      });
      await cache.delete(`order:status:o${i}`);
    }
    expect(loads).toBe(1);
    const stats = await cache.stats();
    expect(stats.tiers).toContainEqual({ name: "redis", available: false });
    const outageLogs = lines.filter((l) => l.msg.includes("shared tier unavailable"));
    expect(outageLogs).toHaveLength(1);

    await redis.start();
    await eventually(async () => {
      // Another instance writes (Redis-side once its own connection is back); this one reads.
      await writer.set("menu:category:flower", ["og kush"], { ttl: 60 });
      const before = (await cache.stats()).l2Hits ?? 0;
      const got = await cache.get("menu:category:flower");
      return got !== undefined && ((await cache.stats()).l2Hits ?? 0) > before;
    }, "a hit from Redis after the restart");
    expect(cache.l2Available()).toBe(true);
    expect(lines.filter((l) => l.msg.includes("shared tier is back"))).toHaveLength(1);
  });
});

describe("the app with Redis killed", () => {
  const redis = new PrivateRedis(6390 + ((process.pid + 50) % 100));
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    await redis.start();
    t = await createTestApp({ env: { REDIS_URL: redis.url, CACHE_TIMEOUT_MS: "200" } });
  });
  afterAll(async () => {
    await t.close();
    await redis.kill();
  });

  it("answers 200 on the catalog, health and cache stats while Redis is down", async () => {
    expect((await t.app.request("/api/catalog")).status).toBe(200);
    await redis.kill();
    for (let i = 0; i < 20; i++) {
      expect((await t.app.request("/api/catalog")).status).toBe(200);
      expect((await t.app.request("/api/health")).status).toBe(200);
    }
    const stats = await t.app.request("/api/cache", { headers: staffAuth });
    expect(stats.status).toBe(200);
    expect((await stats.json()).tiers).toContainEqual({ name: "redis", available: false });
  });
});
