/**
 * The ioredis driver's batch command: write() and del() with an announcement are one script call
 * (SET PX per entry, one UNLINK, then PUBLISH), a lone write or deletion without one stays a plain
 * command, and the effects match separate commands: the counts, the TTLs, a failing SET that
 * does not stop the deletions nor the announcement, a Redis that lost the script.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { IoRedisDriver } from "../../src/cache/drivers/ioredis.js";
import { PrivateRedis } from "./redis-server.js";
import { dropNamespace, freePort, REDIS_URL, uniqueNamespace, watchNamespace } from "./support.js";

describe("IoRedisDriver: one command per batch", () => {
  const ns = uniqueNamespace("driver");
  const channel = `${ns}__bus`;
  let driver: IoRedisDriver;
  let raw: Redis;
  let sub: Redis;
  let watch: Awaited<ReturnType<typeof watchNamespace>>;
  const messages: string[] = [];

  beforeAll(async () => {
    driver = new IoRedisDriver(REDIS_URL);
    await driver.waitReady();
    raw = new Redis(REDIS_URL);
    sub = new Redis(REDIS_URL);
    await sub.subscribe(channel);
    sub.on("message", (_channel: string, m: string) => messages.push(m));
    watch = await watchNamespace(ns);
  });
  afterAll(async () => {
    watch.close();
    sub.disconnect();
    raw.disconnect();
    await driver.close();
    await dropNamespace(ns);
  });

  /** Runs `fn` and returns what MONITOR saw meanwhile, once it has reported all of it. */
  const observe = async <T>(fn: () => Promise<T>) => {
    // What ran before (the set-up's own commands) must be reported before the slate is cleared.
    await watch.settle();
    watch.clear();
    const result = await fn();
    await watch.settle();
    const lower = (list: string[][]) => list.map((c) => [String(c[0]).toLowerCase(), ...c.slice(1)]);
    return { result, commands: lower(watch.commands), scripted: lower(watch.scripted) };
  };
  const isScript = (c: string[] | undefined) => ["evalsha", "eval"].includes(c?.[0] ?? "");

  it("writes, unlinks and announces a batch in one command, the announcement last", async () => {
    await raw.set(`${ns}gone1`, "x");
    messages.length = 0;
    const seen = await observe(() =>
      driver.write(
        [
          { key: `${ns}a`, value: "va", ttlMs: 5000 },
          { key: `${ns}b`, value: "vb", ttlMs: 7000.4 },
        ],
        [`${ns}gone1`, `${ns}gone2`],
        { channel, message: "m1" },
      ),
    );
    expect(seen.commands).toHaveLength(1);
    expect(isScript(seen.commands[0])).toBe(true);
    expect(seen.scripted).toEqual([
      ["set", `${ns}a`, "va", "PX", "5000"],
      ["set", `${ns}b`, "vb", "PX", "7000"],
      ["unlink", `${ns}gone1`, `${ns}gone2`],
      ["publish", channel, "m1"],
    ]);
    expect(await raw.mget(`${ns}a`, `${ns}b`, `${ns}gone1`)).toEqual(["va", "vb", null]);
    expect(await raw.pttl(`${ns}b`)).toBeGreaterThan(6000);
    await vi.waitFor(() => expect(messages).toEqual(["m1"]));
  });

  it("a write with an announcement is one command; a lone SET or UNLINK without one stays plain", async () => {
    let seen = await observe(() =>
      driver.write([{ key: `${ns}c`, value: "vc", ttlMs: 3000 }], [], { channel, message: "m2" }),
    );
    expect(seen.commands).toHaveLength(1);
    expect(isScript(seen.commands[0])).toBe(true);
    expect(seen.scripted.map((c) => c[0])).toEqual(["set", "publish"]);

    seen = await observe(() => driver.write([{ key: `${ns}d`, value: "vd", ttlMs: 3000 }], []));
    expect(seen.commands).toEqual([["set", `${ns}d`, "vd", "PX", "3000"]]);
    expect(seen.scripted).toEqual([]);

    seen = await observe(() => driver.write([], [`${ns}d`]));
    expect(seen.commands).toEqual([["unlink", `${ns}d`]]);

    // Several writes without an announcement: still one command, nothing published.
    seen = await observe(() =>
      driver.write(
        [
          { key: `${ns}e`, value: "ve", ttlMs: 3000 },
          { key: `${ns}f`, value: "vf", ttlMs: 3000 },
        ],
        [],
      ),
    );
    expect(seen.commands).toHaveLength(1);
    expect(seen.scripted.map((c) => c[0])).toEqual(["set", "set"]);
    expect(await raw.mget(`${ns}c`, `${ns}d`, `${ns}e`, `${ns}f`)).toEqual(["vc", null, "ve", "vf"]);
  });

  it("del returns how many keys existed, announcing in the same command", async () => {
    await raw.set(`${ns}g`, "1");
    await raw.set(`${ns}h`, "1");
    messages.length = 0;
    let seen = await observe(() =>
      driver.del([`${ns}g`, `${ns}h`, `${ns}missing`], { channel, message: "m3" }),
    );
    expect(seen.result).toBe(2);
    expect(seen.commands).toHaveLength(1);
    expect(seen.scripted).toEqual([
      ["unlink", `${ns}g`, `${ns}h`, `${ns}missing`],
      ["publish", channel, "m3"],
    ]);
    await vi.waitFor(() => expect(messages).toEqual(["m3"]));

    await raw.set(`${ns}g`, "1");
    seen = await observe(() => driver.del([`${ns}g`, `${ns}missing`]));
    expect(seen.result).toBe(1);
    expect(seen.commands).toEqual([["unlink", `${ns}g`, `${ns}missing`]]);
    expect(await driver.del([])).toBe(0);
  });

  it("unlinks more keys than Lua unpacks at once", async () => {
    const keys = Array.from({ length: 9001 }, (_, i) => `${ns}many:${i}`);
    const pipe = raw.pipeline();
    for (const k of keys) pipe.set(k, "1");
    await pipe.exec();
    expect(await driver.del([...keys, `${ns}many:none`], { channel, message: "m4" })).toBe(9001);
    expect(await raw.exists(keys[0] as string, keys[4000] as string, keys[9000] as string)).toBe(0);
  });
});

describe("IoRedisDriver batch on a Redis of its own", () => {
  let redis: PrivateRedis;
  let driver: IoRedisDriver;
  let raw: Redis;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    driver = new IoRedisDriver(redis.url);
    await driver.waitReady();
    raw = new Redis(redis.url);
  });
  afterAll(async () => {
    raw?.disconnect();
    await driver?.close();
    await redis?.kill();
  });

  it("still runs after Redis lost the script (EVAL again)", async () => {
    const announce = { channel: "bus", message: "m" };
    await driver.write([{ key: "k1", value: "1", ttlMs: 5000 }], ["x"], announce);
    await raw.script("FLUSH");
    await driver.write([{ key: "k2", value: "2", ttlMs: 5000 }], ["k1"], announce);
    expect(await raw.mget("k1", "k2")).toEqual([null, "2"]);
  });

  it("like separate commands, a failing SET does not stop the deletion nor the announcement", async () => {
    const sub = new Redis(redis.url);
    const messages: string[] = [];
    await sub.subscribe("bus");
    sub.on("message", (_c: string, m: string) => messages.push(m));
    await raw.set("old", "1");
    await raw.config("SET", "maxmemory", "1");
    try {
      await expect(
        driver.write([{ key: "k3", value: "3", ttlMs: 5000 }], ["old"], { channel: "bus", message: "oom" }),
      ).rejects.toThrow(/OOM/);
      expect(await raw.exists("k3", "old")).toBe(0);
      await vi.waitFor(() => expect(messages).toEqual(["oom"]));
    } finally {
      await raw.config("SET", "maxmemory", "0");
      sub.disconnect();
    }
  });
});
