/**
 * setMany over a real Redis: writes, drop-only entries and deletions (value undefined) of one call
 * go out as one command (the driver's script), which runs one SET per write, one UNLINK and one
 * announcement; other instances drop every key named; a batch Redis missed is replayed as
 * deletions once it is back. delete() with its announcement is one command too.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { IoRedisDriver } from "../../src/cache/drivers/ioredis.js";
import { TwoTierCache } from "../../src/cache/two-tier.js";
import { FaultyDriver } from "./faulty-driver.js";
import {
  dropNamespace,
  quietLogger,
  REDIS_URL,
  redisCache,
  uniqueNamespace,
  watchNamespace,
} from "./support.js";

describe("setMany: writes, drops and deletions in one round trip", () => {
  const namespace = uniqueNamespace("batch");
  let a: TwoTierCache;
  let b: TwoTierCache;
  let raw: Redis;
  let sub: Redis;
  let watch: Awaited<ReturnType<typeof watchNamespace>>;
  /** Commands this namespace's clients sent, and those the scripts they ran issued. */
  let commands: string[][];
  let scripted: string[][];
  const messages: Array<{ o: string; k?: string[] }> = [];

  beforeAll(async () => {
    a = await redisCache(namespace);
    b = await redisCache(namespace);
    raw = new Redis(REDIS_URL);
    sub = new Redis(REDIS_URL);
    await sub.subscribe(`${namespace}__bus`);
    sub.on("message", (_channel: string, m: string) => messages.push(JSON.parse(m)));
    watch = await watchNamespace(namespace);
    ({ commands, scripted } = watch);
  });
  afterAll(async () => {
    watch.close();
    sub.disconnect();
    raw.disconnect();
    await a.close();
    await b.close();
    await dropNamespace(namespace);
  });

  const names = (list: string[][]) => list.map((c) => c[0]?.toLowerCase());
  /** Waits until MONITOR has reported every command run so far (it reports in execution order). */
  const settle = () => watch.settle();
  const reset = async () => {
    await vi.waitFor(() => expect(messages.length).toBeGreaterThan(0));
    await settle();
    watch.clear();
    messages.length = 0;
  };

  it("sends one command that runs one SET per write, one UNLINK for the rest, then one PUBLISH; the other instance drops every key", async () => {
    const [x, y, z] = ["agent:session:c1", "conversation:c1", "conversations:user:p1"];
    await a.setMany([x, y, z].map((key) => ({ key, value: "old", ttl: 60 })));
    expect(await b.getMany([x, y, z])).toEqual(["old", "old", "old"]); // now in B's memory
    await reset();

    await a.setMany([
      { key: x, value: "new", ttl: 60 },
      { key: y, value: "new", ttl: 60, shared: "drop" },
      { key: z, value: undefined, ttl: 0 },
    ]);
    await settle();
    // One command from the client (EVAL the first time on a connection, EVALSHA after)...
    expect(commands).toHaveLength(1);
    expect(["evalsha", "eval"]).toContain(names(commands)[0]);
    // ...whose script wrote x with its TTL (60 s + the default 10 min grace), deleted y and z in
    // one UNLINK, and announced every key named, in that order.
    expect(names(scripted)).toEqual(["set", "unlink", "publish"]);
    const [set, unlink, publish] = scripted;
    expect(set?.[1]).toBe(namespace + x);
    expect(JSON.parse(set?.[2] ?? "null")).toBeTruthy();
    expect(set?.slice(3)).toEqual(["PX", "660000"]);
    expect(unlink?.slice(1)).toEqual([namespace + y, namespace + z]);
    expect(publish?.[1]).toBe(`${namespace}__bus`);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toEqual({ o: a.instanceId, k: [x, y, z] });
    expect(JSON.parse(publish?.[2] ?? "null")).toEqual(messages[0]);

    const ttl = await raw.pttl(namespace + x);
    expect(ttl).toBeGreaterThan(650_000);
    expect(ttl).toBeLessThanOrEqual(660_000);
    await b.syncInvalidations();
    expect(await raw.exists(namespace + y, namespace + z)).toBe(0);
    expect(await b.getMany([x, y, z])).toEqual(["new", undefined, undefined]);
    expect(await a.getMany([x, y, z])).toEqual(["new", "new", undefined]);
  });

  it("deletes and announces in one command too", async () => {
    const [x, y] = ["order:status:o1", "order:status:o2"];
    await a.setMany([x, y].map((key) => ({ key, value: "old", ttl: 60 })));
    expect(await b.getMany([x, y])).toEqual(["old", "old"]);
    await reset();

    await a.delete(x, y);
    await settle();
    expect(commands).toHaveLength(1);
    expect(["evalsha", "eval"]).toContain(names(commands)[0]);
    expect(scripted.map((c) => [c[0]?.toLowerCase(), c[1]])).toEqual([
      ["unlink", namespace + x],
      ["publish", `${namespace}__bus`],
    ]);
    expect(scripted[0]?.slice(2)).toEqual([namespace + y]);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toEqual({ o: a.instanceId, k: [x, y] });
    await b.syncInvalidations();
    expect(await raw.exists(namespace + x, namespace + y)).toBe(0);
    expect(await b.getMany([x, y])).toEqual([undefined, undefined]);
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
