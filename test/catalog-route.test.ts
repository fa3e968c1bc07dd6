import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalogIfEmpty } from "../src/services/catalog/index.js";
import { createTestApp } from "./helpers/app.js";

type Item = { name: string; category: string; type: string | null; effects: string[]; inStock: boolean };

describe("GET /api/catalog", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCatalogIfEmpty(t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  async function catalog(query = ""): Promise<{ items: Item[]; total: number }> {
    const res = await t.app.request(`/api/catalog${query}`);
    expect(res.status).toBe(200);
    return res.json();
  }

  it("lists the whole catalog publicly, prices as exact strings", async () => {
    const res = await t.app.request("/api/catalog");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.total).toBe(body.items.length);
    expect(body.total).toBeGreaterThanOrEqual(25);
    const og = body.items.find((i: Item) => i.name === "OG Kush");
    expect(og.prices.map((p: { label: string; price: string }) => [p.label, p.price])).toEqual([
      ["1g", "550.00"],
      ["5g", "2300.00"],
      ["20g", "7000.00"],
    ]);
  });

  it("filters by category, type and effect (case-insensitive)", async () => {
    const hash = await catalog("?category=Hash");
    expect(hash.items.length).toBeGreaterThan(0);
    expect(hash.items.every((i) => i.category === "hash")).toBe(true);

    const indicaFlower = await catalog("?category=flower&type=indica");
    expect(indicaFlower.items.length).toBeGreaterThan(0);
    expect(indicaFlower.items.every((i) => i.category === "flower" && i.type === "indica")).toBe(true);

    const sleepy = await catalog("?effect=sleepy");
    expect(sleepy.items.map((i) => i.name)).toContain("Granddaddy Purple");
    expect(sleepy.items.every((i) => i.effects.includes("sleepy"))).toBe(true);
  });

  it("searches text in names and flavors", async () => {
    const kush = await catalog("?q=kush");
    expect(kush.items.map((i) => i.name)).toEqual(
      expect.arrayContaining(["OG Kush", "Bubba Kush", "Mango Kush"]),
    );
    const grape = await catalog("?q=GRAPE");
    expect(grape.items.map((i) => i.name)).toContain("Granddaddy Purple");
    expect((await catalog("?q=no-such-thing-xyz")).total).toBe(0);
  });

  it("filters by stock", async () => {
    const all = await catalog();
    const inStock = await catalog("?inStock=true");
    const out = await catalog("?inStock=false");
    expect(inStock.items.every((i) => i.inStock)).toBe(true);
    expect(out.items.every((i) => !i.inStock)).toBe(true);
    expect(inStock.total + out.total).toBe(all.total);
  });

  it("rejects a bad filter with a 400 naming it", async () => {
    const res = await t.app.request("/api/catalog?inStock=maybe");
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toContain("inStock");
    const long = await t.app.request(`/api/catalog?q=${"x".repeat(101)}`);
    expect(long.status).toBe(400);
    expect((await long.json()).error.message).toContain("q");
  });
});
