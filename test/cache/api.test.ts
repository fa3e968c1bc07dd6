/** /api/cache (staff only) and /metrics. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CachePrefixes } from "../../src/cache/keys.js";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { createTestApp, staffAuth } from "../helpers/app.js";

describe("/api/cache and /metrics", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCatalogIfEmpty(t.deps);
  });
  afterAll(() => t.close());

  const post = (body: unknown, headers: Record<string, string> = staffAuth) =>
    t.app.request("/api/cache", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("refuses customers: 401 on GET and POST", async () => {
    expect((await t.app.request("/api/cache")).status).toBe(401);
    const res = await post({ action: "clear" }, {});
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("warms the menu, then reports its keys and hits", async () => {
    const res = await post({ action: "warmup-menu" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.warmed).toEqual([expect.objectContaining({ name: "menu", ok: true })]);
    expect(body.stats.byPrefix["menu:"].keys).toBe(1);
    expect(body.stats.byPrefix["menu:category:"].keys).toBeGreaterThan(0);

    expect((await t.app.request("/api/catalog")).status).toBe(200);
    const stats = await (await t.app.request("/api/cache", { headers: staffAuth })).json();
    expect(stats.byPrefix["menu:"].hits).toBeGreaterThanOrEqual(1);
    expect(stats.tiers[0]).toEqual({ name: "memory", available: true });
    expect(stats.hitRate).toBeGreaterThan(0);
  });

  it("runs every registered warmer on warmup", async () => {
    const body = await (await post({ action: "warmup" })).json();
    const names = body.warmed.map((w: { name: string }) => w.name);
    expect(names).toEqual(expect.arrayContaining(["menu", "settings"]));
    expect(body.warmed.every((w: { ok: boolean }) => w.ok)).toBe(true);
  });

  it("clears a known prefix and reports how many keys went", async () => {
    await post({ action: "warmup-menu" });
    const before = (await (await t.app.request("/api/cache", { headers: staffAuth })).json()).byPrefix[
      "menu:category:"
    ].keys;
    const res = await post({ action: "clear-prefix", prefix: "menu:category:" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.deleted).toBe(before);
    expect(body.stats.byPrefix["menu:category:"]?.keys ?? 0).toBe(0);
    expect(body.stats.byPrefix["menu:"].keys).toBe(1);
  });

  it("rejects an unknown or missing prefix with a 400 naming `prefix`, and an unknown action naming `action`", async () => {
    for (const prefix of [undefined, "", "menu", "user:*", "nope:"]) {
      const res = await post({ action: "clear-prefix", prefix });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.message).toMatch(/^prefix:/);
    }
    const res = await post({ action: "explode" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^action:/);
    expect(CachePrefixes).toContain("menu:");
  });

  it("clears everything", async () => {
    await post({ action: "warmup" });
    const body = await (await post({ action: "clear" })).json();
    expect(body.stats.totalKeys).toBe(0);
  });

  it("serves Prometheus metrics with the same cache numbers and HTTP timings", async () => {
    await post({ action: "warmup-menu" });
    await t.app.request("/api/catalog");
    const stats = await (await t.app.request("/api/cache", { headers: staffAuth })).json();
    const res = await t.app.request("/metrics");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`shopkeeper_cache_hits{prefix="menu:"} ${stats.byPrefix["menu:"].hits}`);
    expect(text).toContain(`shopkeeper_cache_keys{prefix="menu:"} ${stats.byPrefix["menu:"].keys}`);
    expect(text).toContain('shopkeeper_cache_tier_available{tier="memory"} 1');
    expect(text).toMatch(
      /shopkeeper_http_requests_total\{method="GET",route="\/api\/catalog",status="200"\} \d+/,
    );
    expect(text).toContain("shopkeeper_http_request_duration_seconds_bucket");
  });
});
