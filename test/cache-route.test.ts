/**
 * /api/cache answers the reference contract (seed 000 / seed 001: GET `{available, stats:
 * {totalKeys, memoryUsage, available}, message}`, POST `{success, message, cleared?}`) beside
 * its own detailed fields, which stay as they were (the dashboard reads them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerWarmup } from "../src/cache/warmup.js";
import { seedDemoCatalogIfEmpty } from "../src/services/catalog/index.js";
import { createTestApp, staffAuth } from "./helpers/app.js";

// Registered in this file's process only (test files run isolated).
registerWarmup("zz-broken-for-tests", async () => {
  throw new Error("warmer broke");
});

describe("/api/cache: the reference contract's fields", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCatalogIfEmpty(t.deps);
  });
  afterAll(() => t.close());

  const get = async () => {
    const res = await t.app.request("/api/cache", { headers: staffAuth });
    expect(res.status).toBe(200);
    return res.json();
  };
  const post = async (body: unknown, status = 200) => {
    const res = await t.app.request("/api/cache", {
      method: "POST",
      headers: { ...staffAuth, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(status);
    return res.json();
  };

  it("GET: available, stats {totalKeys, memoryUsage, available}, message, and the old fields", async () => {
    await post({ action: "warmup-menu" });
    const body = await get();
    expect(body.available).toBe(true);
    expect(body.message).toBe("Cache statistics retrieved");
    expect(body.stats).toMatchObject({ totalKeys: body.totalKeys, available: true });
    expect(body.stats.totalKeys).toBeGreaterThan(0);
    if (process.env.REDIS_URL) {
      expect(body.stats.memoryUsage).toMatch(/^\d+(\.\d+)? (B|KB|MB|GB)$/);
      expect(body.stats.memoryUsage).toBe(body.memory.redisUsedHuman);
      expect(body.stats.memoryBytes).toBe(body.memory.redisUsedBytes);
    } else {
      expect(body.stats).toEqual({ totalKeys: body.totalKeys, memoryUsage: "N/A", available: true });
    }
    // What the dashboard reads is still there.
    expect(body.tiers[0]).toEqual({ name: "memory", available: true });
    expect(body.byPrefix["menu:"].keys).toBe(1);
    expect(body).toHaveProperty("hitRate");
    expect(body.memory.l1Entries).toEqual(expect.any(Number));
  });

  it("POST warmup-menu: success and what was warmed; the old fields and stats stay", async () => {
    const body = await post({ action: "warmup-menu" });
    expect(body).toMatchObject({ success: true, message: "Warmed 1 cache: menu", action: "warmup-menu" });
    expect(body).not.toHaveProperty("cleared");
    expect(body.warmed).toEqual([expect.objectContaining({ name: "menu", ok: true })]);
    expect(body.stats.byPrefix["menu:"].keys).toBe(1);
    expect(body.stats.stats.available).toBe(true);
  });

  it("POST warmup with a failing warmer: success false, the message names it (still 200)", async () => {
    const body = await post({ action: "warmup" });
    expect(body.success).toBe(false);
    expect(body.message).toMatch(/^Warmed \d+ of \d+ caches; failed: zz-broken-for-tests \(warmer broke\)$/);
    expect(body.warmed).toContainEqual(expect.objectContaining({ name: "zz-broken-for-tests", ok: false }));
  });

  it("POST clear-prefix: cleared (= deleted) and a message naming the prefix", async () => {
    await post({ action: "warmup-menu" });
    const before = (await get()).byPrefix["menu:category:"].keys;
    expect(before).toBeGreaterThan(1);
    const body = await post({ action: "clear-prefix", prefix: "menu:category:" });
    expect(body).toMatchObject({
      success: true,
      cleared: before,
      deleted: before,
      message: `Cleared ${before} keys with prefix "menu:category:"`,
    });
    expect(body.stats.byPrefix["menu:category:"]?.keys ?? 0).toBe(0);
  });

  it("POST clear: cleared = the keys that went", async () => {
    await post({ action: "warmup-menu" });
    const before = (await get()).totalKeys;
    expect(before).toBeGreaterThan(0);
    const body = await post({ action: "clear" });
    expect(body.success).toBe(true);
    expect(body.cleared).toBe(before - body.stats.totalKeys);
    expect(body.stats.totalKeys).toBe(0);
    expect(body.message).toBe(
      `Cache cleared: ${body.cleared} key${body.cleared === 1 ? "" : "s"} removed (lock: and rate_limit: keys kept)`,
    );
  });

  it("errors keep our JSON error shape", async () => {
    const bad = await post({ action: "clear-prefix", prefix: "nope:" }, 400);
    expect(bad.error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/^prefix:/),
    });
    expect(bad).not.toHaveProperty("success");
    const anon = await t.app.request("/api/cache");
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("the OpenAPI document describes the new fields", async () => {
    const doc = await (await t.app.request("/api/openapi.json")).json();
    const stats = doc.components.schemas.CacheStats;
    expect(stats.required).toEqual(
      expect.arrayContaining(["available", "stats", "message", "tiers", "totalKeys"]),
    );
    const action = doc.components.schemas.CacheActionResult;
    expect(Object.keys(action.properties)).toEqual(
      expect.arrayContaining(["success", "message", "cleared", "action", "deleted", "warmed", "stats"]),
    );
    const health = doc.components.schemas.HealthComponent;
    expect(health.properties.status.enum).toEqual(["up", "degraded", "down", "disabled"]);
  });
});

describe("/api/cache with a shared tier that does not answer", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        REDIS_URL: undefined,
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
        UPSTASH_REDIS_REST_TOKEN: "x",
      },
    });
  });
  afterAll(() => t.close());

  it("GET: available false, and the message says which tier", async () => {
    // A failed call opens the breaker; then stats report the tier unavailable.
    await t.app.request("/api/catalog");
    const body = await (await t.app.request("/api/cache", { headers: staffAuth })).json();
    expect(body.available).toBe(false);
    expect(body.stats.available).toBe(false);
    expect(body.stats.memoryUsage).toBe("N/A");
    expect(body.message).toMatch(/^Cache statistics retrieved; upstash not answering/);
    expect(body.tiers).toContainEqual({ name: "upstash", available: false });
  });
});
