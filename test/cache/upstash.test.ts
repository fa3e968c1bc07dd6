/**
 * The Upstash REST driver, run for real over HTTP against a fake Upstash (test/fakes/upstash.ts)
 * that executes every command on a real Redis: the shared contract suite, the wire format, and a
 * wrong token (the cache keeps answering from L1 and the loader and reports the tier down).
 */
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstashDriver } from "../../src/cache/drivers/upstash.js";
import { TwoTierCache } from "../../src/cache/two-tier.js";
import { createLogger } from "../../src/logger.js";
import { type FakeUpstash, startFakeUpstash } from "../fakes/upstash.js";
import { createTestApp, staffAuth } from "../helpers/app.js";
import { cacheContract } from "./contract.js";
import { dropNamespace, manualClock, quietLogger, REDIS_URL, uniqueNamespace } from "./support.js";

let fake: FakeUpstash;
const namespaces: string[] = [];

beforeAll(async () => {
  fake = await startFakeUpstash({ redisUrl: REDIS_URL });
});
afterAll(async () => {
  await fake.close();
  for (const ns of namespaces) await dropNamespace(ns);
});

function upstashCache(opts: {
  token?: string;
  now?: () => number;
  breakMs?: number;
  logger?: typeof quietLogger;
}) {
  const namespace = uniqueNamespace("upstash");
  namespaces.push(namespace);
  const driver = new UpstashDriver({ url: fake.url, token: opts.token ?? fake.token, timeoutMs: 2000 });
  return new TwoTierCache({
    logger: opts.logger ?? quietLogger,
    namespace,
    l2: driver,
    now: opts.now,
    breakMs: opts.breakMs,
    timeoutMs: 2000,
  }).start();
}

cacheContract("memory + Upstash (REST)", async (now) => {
  const cache = await upstashCache({ now });
  return {
    cache,
    async close() {
      await cache.close();
      await dropNamespace(cache.namespace);
    },
  };
});

describe("Upstash driver on the wire", () => {
  it("writes through REST to Redis, with Redis's own TTLs, and reads back from another instance", async () => {
    const a = await upstashCache({});
    const b = await upstashCache({}); // another app (namespace) on the same Upstash
    const reader = new TwoTierCache({
      logger: quietLogger,
      namespace: a.namespace,
      l2: new UpstashDriver({ url: fake.url, token: fake.token }),
    });
    await reader.start();
    fake.commands.length = 0;
    await a.set("menu:items", { items: ["og kush"] }, { ttl: 60 });
    const set = fake.commands.find((c) => c[0] === "SET");
    expect(set?.[1]).toBe(`${a.namespace}menu:items`);
    expect(set?.[3]).toBe("PX");
    // TTL in Redis = logical TTL + the 10 min grace period, in milliseconds.
    expect(Number(set?.[4])).toBe(60_000 + 600_000);

    expect(await reader.get("menu:items")).toEqual({ items: ["og kush"] });
    expect((await reader.stats()).l2Hits).toBe(1);
    expect(await b.get("menu:items")).toBeUndefined();

    // A batch of writes is one /pipeline request; a batch of reads is one MGET.
    fake.commands.length = 0;
    const before = fake.statuses.get(200) ?? 0;
    await a.setMany(Array.from({ length: 20 }, (_, i) => ({ key: `user:profile:p${i}`, value: i, ttl: 60 })));
    expect((fake.statuses.get(200) ?? 0) - before).toBe(1);
    expect(fake.commands.filter((c) => c[0] === "SET")).toHaveLength(20);
    // The announcement rides in the same pipeline (nobody subscribes over REST; it is harmless).
    expect(fake.commands.at(-1)?.[0]).toBe("PUBLISH");
    const got = await reader.getMany(Array.from({ length: 20 }, (_, i) => `user:profile:p${i}`));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(fake.commands.filter((c) => c[0] === "MGET")).toHaveLength(1);

    const stats = await a.stats();
    expect(stats.tiers).toEqual([
      { name: "memory", available: true },
      { name: "upstash", available: true },
    ]);
    expect(stats.memory.redisUsedBytes).toBeGreaterThan(0);
    expect(stats.byPrefix["user:profile:"]?.keys).toBe(20);

    // Writes, drop-only entries and deletions of one call: still one request, one announcement.
    fake.commands.length = 0;
    const beforeMixed = fake.statuses.get(200) ?? 0;
    await a.setMany([
      { key: "user:profile:p0", value: "new", ttl: 60 },
      { key: "user:profile:p1", value: "kept here", ttl: 60, shared: "drop" },
      { key: "user:profile:p2", value: undefined, ttl: 0 },
    ]);
    expect((fake.statuses.get(200) ?? 0) - beforeMixed).toBe(1);
    expect(fake.commands.map((c) => c[0])).toEqual(["SET", "UNLINK", "PUBLISH"]);
    expect(fake.commands[1]?.slice(1)).toEqual([
      `${a.namespace}user:profile:p1`,
      `${a.namespace}user:profile:p2`,
    ]);
    // Neither is left in Redis (a fresh instance, with nothing in its memory, reads Redis).
    const fresh = new TwoTierCache({
      logger: quietLogger,
      namespace: a.namespace,
      l2: new UpstashDriver({ url: fake.url, token: fake.token }),
    });
    expect(await fresh.getMany(["user:profile:p0", "user:profile:p1", "user:profile:p2"])).toEqual([
      "new",
      undefined,
      undefined,
    ]);
    await fresh.close();

    await Promise.all([a.close(), b.close(), reader.close()]);
  });

  it("a write on one instance reaches another's L1 within the 5 s cap (no bus over REST)", async () => {
    const clock = manualClock();
    const a = await upstashCache({ now: clock.now });
    const b = new TwoTierCache({
      logger: quietLogger,
      namespace: a.namespace,
      l2: new UpstashDriver({ url: fake.url, token: fake.token }),
      now: clock.now,
    });
    await b.start();
    await a.set("settings:dynamic", { v: 1 }, { ttl: 3600 });
    expect(await b.get("settings:dynamic")).toEqual({ v: 1 });
    await a.set("settings:dynamic", { v: 2 }, { ttl: 3600 });
    // b's L1 still holds v1 (no invalidation bus over REST) but only for at most 5 s.
    expect(await b.get("settings:dynamic")).toEqual({ v: 1 });
    clock.advance(5_001);
    expect(await b.get("settings:dynamic")).toEqual({ v: 2 });
    await Promise.all([a.close(), b.close()]);
  });

  it("surfaces Redis's own error replies and refuses a wrong token", async () => {
    const driver = new UpstashDriver({ url: fake.url, token: fake.token });
    const ns = uniqueNamespace("upstash_raw");
    namespaces.push(ns);
    await driver.write([{ key: `${ns}k`, value: "v", ttlMs: 1000 }], []);
    expect(await driver.get(`${ns}k`)).toBe("v");
    expect(await driver.del([`${ns}k`, `${ns}missing`])).toBe(1);
    // A command Redis rejects (GET on a list) fails with Redis's own message.
    await driver.write([{ key: `${ns}k`, value: "v", ttlMs: 60_000 }], []);
    const redis = new Redis(REDIS_URL);
    await redis.del(`${ns}list`);
    await redis.rpush(`${ns}list`, "x");
    redis.disconnect();
    await expect(driver.get(`${ns}list`)).rejects.toThrow(/WRONGTYPE/);
    // A SCAN page comes back as [cursor, keys] with a string cursor.
    const [cursor, keys] = await driver.scanPage("0", `${ns}*`);
    expect(typeof cursor).toBe("string");
    expect(keys.sort()).toEqual([`${ns}k`, `${ns}list`]);
    const wrong = new UpstashDriver({ url: fake.url, token: "not-the-token" });
    await expect(wrong.get(`${ns}k`)).rejects.toThrow(/401/);
    await expect(wrong.usedMemory()).rejects.toThrow(/401/);
  });
});

describe("Upstash with a wrong token", () => {
  function capturingLogger() {
    const lines: Array<{ level: number; msg: string }> = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    return { logger: createLogger("info", stream), lines };
  }

  it("answers from the loader and L1, reports the tier unavailable, logs once, recovers with the right token", async () => {
    const clock = manualClock();
    const { logger, lines } = capturingLogger();
    const goodToken = fake.token;
    fake.token = "rotated-token";
    const cache = await upstashCache({ token: goodToken, now: clock.now, breakMs: 1000, logger });
    try {
      let loads = 0;
      const loader = async () => {
        loads++;
        return { catalog: "from-db" };
      };
      const unauthorizedBefore = fake.statuses.get(401) ?? 0;
      for (let i = 0; i < 50; i++) {
        expect(await cache.getOrSet("menu:items", loader, { ttl: 60 })).toEqual({ catalog: "from-db" });
        expect(await cache.getOrSet(`user:profile:u${i}`, async () => i, { ttl: 60 })).toBe(i);
        await cache.delete(`order:status:o${i}`);
        // Time passes (within L1's 5 s cap without a bus): the breaker half-opens again and
        // again, and each probe is refused.
        clock.advance(80);
      }
      expect(loads).toBe(1);
      expect((fake.statuses.get(401) ?? 0) - unauthorizedBefore).toBeGreaterThan(1);
      const stats = await cache.stats();
      expect(stats.tiers).toContainEqual({ name: "upstash", available: false });
      expect(stats.l1Hits).toBe(49);
      // Stats taken once the breaker has half-opened must not mistake a refused probe for recovery.
      clock.advance(5_000);
      expect((await cache.stats()).tiers).toContainEqual({ name: "upstash", available: false });
      expect(cache.l2Available()).toBe(false);
      expect(lines.filter((l) => l.msg.includes("shared tier unavailable"))).toHaveLength(1);
      expect(lines.some((l) => l.msg.includes("shared tier is back"))).toBe(false);

      // The token is fixed on the service side: Redis is used again.
      fake.token = goodToken;
      clock.advance(5_000);
      const writer = new TwoTierCache({
        logger: quietLogger,
        namespace: cache.namespace,
        l2: new UpstashDriver({ url: fake.url, token: goodToken }),
      });
      await writer.set("menu:category:flower", ["og kush"], { ttl: 60 });
      await writer.close();
      const l2Before = (await cache.stats()).l2Hits ?? 0;
      expect(await cache.get("menu:category:flower")).toEqual(["og kush"]);
      expect((await cache.stats()).l2Hits).toBe(l2Before + 1);
      expect(cache.l2Available()).toBe(true);
      expect(lines.filter((l) => l.msg.includes("shared tier is back"))).toHaveLength(1);
    } finally {
      fake.token = goodToken;
      await cache.close();
    }
  });

  it("the app keeps answering 200 and GET /api/cache shows Upstash down", async () => {
    const t = await createTestApp({
      env: {
        REDIS_URL: undefined,
        UPSTASH_REDIS_REST_URL: fake.url,
        UPSTASH_REDIS_REST_TOKEN: "wrong-token",
      },
    });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await t.app.request("/api/catalog")).status).toBe(200);
        expect((await t.app.request("/api/health")).status).toBe(200);
      }
      const res = await t.app.request("/api/cache", { headers: staffAuth });
      expect(res.status).toBe(200);
      expect((await res.json()).tiers).toContainEqual({ name: "upstash", available: false });
    } finally {
      await t.close();
    }
  });

  it("the app with the right token uses Upstash (GET /api/cache shows it up and its keys)", async () => {
    const t = await createTestApp({
      env: { REDIS_URL: undefined, UPSTASH_REDIS_REST_URL: fake.url, UPSTASH_REDIS_REST_TOKEN: fake.token },
    });
    namespaces.push(t.deps.config.redis.keyPrefix);
    try {
      expect((await t.app.request("/api/catalog")).status).toBe(200);
      const res = await t.app.request("/api/cache", { headers: staffAuth });
      expect(res.status).toBe(200);
      const stats = await res.json();
      expect(stats.tiers).toContainEqual({ name: "upstash", available: true });
      expect(stats.totalKeys).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
