/**
 * setMany over a real Redis: writes, drop-only entries and deletions (value undefined) of one call
 * go out as one SET per write, one UNLINK and one announcement; other instances drop every key
 * named; a batch Redis missed is replayed as deletions once it is back.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { IoRedisDriver } from "../../src/cache/drivers/ioredis.js";
import { TwoTierCache } from "../../src/cache/two-tier.js";
import { FaultyDriver } from "./faulty-driver.js";
import { dropNamespace, quietLogger, REDIS_URL, redisCache, uniqueNamespace } from "./support.js";

describe("setMany: writes, drops and deletions in one round trip", () => {
  const namespace = uniqueNamespace("batch");
  let a: TwoTierCache;
  let b: TwoTierCache;
  let raw: Redis;
  let sub: Redis;
  let monitor: Redis;
  const commands: string[][] = [];
  const messages: Array<{ o: string; k?: string[] }> = [];

  beforeAll(async () => {
    a = await redisCache(namespace);
    b = await redisCache(namespace);
    raw = new Redis(REDIS_URL);
    sub = new Redis(REDIS_URL);
    await sub.subscribe(`${namespace}__bus`);
    sub.on("message", (_channel: string, m: string) => messages.push(JSON.parse(m)));
    monitor = await new Redis(REDIS_URL).monitor();
    // Other test files share this Redis: only this namespace's commands, and not a script's own.
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source !== "lua" && args.some((x) => String(x).startsWith(namespace))) commands.push(args);
    });
  });
  afterAll(async () => {
    monitor.disconnect();
    sub.disconnect();
    raw.disconnect();
    await a.close();
    await b.close();
    await dropNamespace(namespace);
  });

  it("sends one SET per write, one UNLINK for the rest, one PUBLISH; the other instance drops every key", async () => {
    const [x, y, z] = ["agent:session:c1", "conversation:c1", "conversations:user:p1"];
    await a.setMany([x, y, z].map((key) => ({ key, value: "old", ttl: 60 })));
    expect(await b.getMany([x, y, z])).toEqual(["old", "old", "old"]); // now in B's memory
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    commands.length = 0;
    messages.length = 0;

    await a.setMany([
      { key: x, value: "new", ttl: 60 },
      { key: y, value: "new", ttl: 60, shared: "drop" },
      { key: z, value: undefined, ttl: 0 },
    ]);
    await vi.waitFor(() => expect(commands.map((c) => c[0]?.toLowerCase())).toContain("publish"));
    expect(commands.map((c) => c[0]?.toLowerCase())).toEqual(["set", "unlink", "publish"]);
    expect(commands[0]?.[1]).toBe(namespace + x);
    expect(commands[1]?.slice(1)).toEqual([namespace + y, namespace + z]);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toEqual({ o: a.instanceId, k: [x, y, z] });

    await b.syncInvalidations();
    expect(await raw.exists(namespace + y, namespace + z)).toBe(0);
    expect(await b.getMany([x, y, z])).toEqual(["new", undefined, undefined]);
    expect(await a.getMany([x, y, z])).toEqual(["new", "new", undefined]);
  });

  it("replays a batch Redis missed as deletions once it is back", async () => {
    const ns = uniqueNamespace("batch_outage");
    const inner = new IoRedisDriver(REDIS_URL);
    await inner.waitReady();
    const driver = new FaultyDriver(inner);
    const cache = await new TwoTierCache({
      logger: quietLogger,
      namespace: ns,
      l2: driver,
      breakMs: 10,
    }).start();
    try {
      await cache.setMany([
        { key: "user:profile:u1", value: "old", ttl: 60 },
        { key: "full_context:p1", value: "old", ttl: 60 },
      ]);
      expect(await raw.exists(`${ns}user:profile:u1`, `${ns}full_context:p1`)).toBe(2);
      driver.mode = "fail";
      await cache.setMany([
        { key: "user:profile:u1", value: "new", ttl: 60 },
        { key: "full_context:p1", value: undefined, ttl: 0 },
      ]);
      expect(await cache.getMany(["user:profile:u1", "full_context:p1"])).toEqual(["new", undefined]);
      driver.mode = "ok";
      await new Promise((r) => setTimeout(r, 20));
      await cache.get("menu:items"); // the probe that finds Redis back
      // Redis held the old values: both are deleted there, not left to be served.
      await vi.waitFor(async () =>
        expect(await raw.exists(`${ns}user:profile:u1`, `${ns}full_context:p1`)).toBe(0),
      );
    } finally {
      await cache.close();
      await dropNamespace(ns);
    }
  });
});
