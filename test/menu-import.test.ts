import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheKeys } from "../src/cache/keys.js";
import { ConfigError } from "../src/config.js";
import { parseCsv } from "../src/lib/csv.js";
import { listCatalog, seedDemoCatalogIfEmpty } from "../src/services/catalog/index.js";
import {
  csvExportUrl,
  importMenuCsv,
  importMenuFrom,
  importMenuSourceIfEmpty,
  validateMenu,
} from "../src/services/menu-import.js";
import { createTestApp, staffAuth } from "./helpers/app.js";

const FIXTURE = new URL("./fixtures/menu.csv", import.meta.url);
const HEADER = "Name,Category,Type,THC,CBG,Price_1g,Price_5g,Price_20g,Our,Effects,Flavors";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

function postImport(t: TestApp, body: unknown, headers: Record<string, string> = staffAuth) {
  return t.app.request("/api/admin/catalog/import", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("menu import", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCatalogIfEmpty(t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  it("imports a good CSV: weight tiers, variants, lists, flags and stock", async () => {
    const csv = await readFile(FIXTURE, "utf8");
    const progress: string[] = [];
    const result = await importMenuCsv(t.deps, csv, (stage, done, total) =>
      progress.push(`${stage}:${done}/${total}`),
    );
    expect(result).toEqual({ imported: 5, errors: [] });
    expect(progress).toContain("validate:5/5");
    expect(progress.at(-1)).toBe("write:5/5");

    const items = await listCatalog(t.deps);
    expect(items.map((i) => i.name)).toEqual([
      "Purple Haze",
      "Northern Lights",
      "Temple Ball",
      "OG Tee",
      "Rolling Papers",
    ]);
    const haze = items[0];
    expect(haze).toMatchObject({
      category: "flower",
      type: "sativa",
      thc: 24,
      cbg: 1.2,
      isOur: true,
      unit: "g",
      minQuantity: "20.00",
      effects: ["creative", "euphoric"],
      flavors: ["berry", "sweet"],
      description: 'Classic "haze" sativa',
      inStock: true,
    });
    expect(haze?.prices.map((p) => [p.label, p.price])).toEqual([
      ["1g", "500.00"],
      ["5g", "2000.00"],
      ["20g", "6000.00"],
    ]);
    const lights = items[1];
    expect(lights).toMatchObject({ thc: 19.5, isOur: false, inStock: false });
    expect(lights?.prices[1]?.price).toBe("1900.00");
    expect(items[2]?.minQuantity).toBe("10.00");
    const tee = items[3];
    expect(tee?.unit).toBe("pcs");
    expect(tee?.prices.map((p) => p.label)).toEqual([
      "S / black",
      "S / white",
      "M / black",
      "M / white",
      "L / black",
      "L / white",
    ]);
    expect(tee?.prices.every((p) => p.price === "690.00" && p.stock === 5)).toBe(true);
    expect(items[4]?.prices.map((p) => p.price)).toEqual(["60.00"]);

    const res = await t.app.request("/api/catalog?inStock=false");
    expect((await res.json()).items.map((i: { name: string }) => i.name)).toEqual(["Northern Lights"]);
  });

  it("reports every bad row with its line and column, and writes nothing", async () => {
    const before = await listCatalog(t.deps);
    const csv = [
      HEADER,
      "Good One,Flower,Indica,20,1,400,1800,5000,yes,relaxing,pine",
      "Bad Price,Flower,Indica,20,1,400,abc,5000,yes,relaxing,pine",
      '"Multi',
      'line",Flower,Sativa,120,1,400,1800,5000,maybe,,',
      ",Hash,,,,,,,,,",
      "Good One,Flower,Indica,20,1,400,1800,5000,no,,",
    ].join("\r\n");
    const result = await importMenuCsv(t.deps, csv);
    expect(result.imported).toBe(0);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { line: 3, field: "Price_5g", message: expect.stringContaining('"abc"') },
        { line: 4, field: "THC", message: expect.any(String) },
        { line: 4, field: "Our", message: expect.any(String) },
        { line: 6, field: "Name", message: "is required" },
        { line: 6, field: "Price_1g", message: expect.any(String) },
        { line: 7, field: "Name", message: "duplicate of line 2" },
      ]),
    );
    expect(await listCatalog(t.deps)).toEqual(before);
  });

  it("reports a price too large for the catalog or negative as a row error, and writes nothing", async () => {
    const before = await listCatalog(t.deps);
    const csv = [
      "Name,Category,Price_1g,Price_5g,Sizes,Price",
      "X,flower,999999999999,,,",
      "Y,flower,10000000000,,,",
      "Z,flower,-5,,,",
      "Tee,merch,,,S,10000000000.00",
      "Cap,merch,,,S,-1",
      // The largest price fits.
      'Max,flower,9999999999.99,"฿9,999,999,999",,',
    ].join("\n");
    const result = await importMenuCsv(t.deps, csv);
    expect(result).toEqual({
      imported: 0,
      errors: [
        { line: 2, field: "Price_1g", message: expect.stringContaining('"999999999999"') },
        { line: 3, field: "Price_1g", message: expect.stringContaining("at most 9999999999.99") },
        { line: 4, field: "Price_1g", message: expect.stringContaining('"-5"') },
        { line: 5, field: "Price", message: expect.stringContaining('"10000000000.00"') },
        { line: 6, field: "Price", message: expect.stringContaining('"-1"') },
      ],
    });
    expect(await listCatalog(t.deps)).toEqual(before);

    const res = await postImport(t, { csv: "Name,Category,Price_1g\nX,flower,999999999999" });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.errors).toEqual([{ line: 2, field: "Price_1g", message: expect.any(String) }]);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(await listCatalog(t.deps)).toEqual(before);
  });

  it("rejects a file without the needed columns or with a broken quote", async () => {
    expect(validateMenu(parseCsv("Title,Price\nx,1")).errors).toEqual([
      { line: 1, field: "Name", message: "column is missing" },
      { line: 1, field: "Category", message: "column is missing" },
    ]);
    const broken = await importMenuCsv(t.deps, `${HEADER}\n"Unclosed,Flower`);
    expect(broken.errors).toEqual([
      { line: 2, field: "file", message: expect.stringContaining("unterminated") },
    ]);
    expect((await importMenuCsv(t.deps, HEADER)).errors[0]?.message).toBe("no menu rows");
  });

  it("drops the menu caches when it imports", async () => {
    await listCatalog(t.deps);
    await t.deps.cache.set(CacheKeys.menuCategory("flower"), ["stale"], { ttl: 60 });
    await importMenuCsv(t.deps, `${HEADER}\nSolo,Flower,Hybrid,20,1,400,1800,5000,yes,happy,lemon`);
    expect(await t.deps.cache.get(CacheKeys.menuItems())).toBeUndefined();
    expect(await t.deps.cache.get(CacheKeys.menuCategory("flower"))).toBeUndefined();
    expect((await listCatalog(t.deps)).map((i) => i.name)).toEqual(["Solo"]);
  });

  it("POST /api/admin/catalog/import: staff only, 422 with line numbers, 200 when valid", async () => {
    const anon = await postImport(t, { csv: await readFile(FIXTURE, "utf8") }, {});
    expect(anon.status).toBe(401);

    const bad = await postImport(t, { csv: `${HEADER}\nX,Flower,Indica,20,1,-5,1800,5000,yes,,` });
    expect(bad.status).toBe(422);
    const badBody = await bad.json();
    expect(badBody.imported).toBe(0);
    expect(badBody.errors).toEqual([{ line: 2, field: "Price_1g", message: expect.any(String) }]);
    expect(badBody.error.code).toBe("VALIDATION_FAILED");

    const ok = await postImport(t, { csv: await readFile(FIXTURE, "utf8") });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ imported: 5, errors: [] });

    const neither = await postImport(t, { file: "x" });
    expect(neither.status).toBe(400);
    const ftp = await postImport(t, { url: "ftp://example.com/menu.csv" });
    expect(ftp.status).toBe(400);
  });
});

describe("menu import from a URL", () => {
  let server: Server;
  let base: string;
  let t: TestApp;
  beforeAll(async () => {
    const csv = await readFile(FIXTURE, "utf8");
    server = createServer((req, res) => {
      if (req.url === "/menu.csv") {
        res.writeHead(200, { "content-type": "text/csv" });
        res.end(csv);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ env: { MENU_SOURCE: `${base}/menu.csv` } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => server.close(r));
  });

  it("MENU_SOURCE imports the menu on first start, and only then", async () => {
    expect(await importMenuSourceIfEmpty(t.deps)).toBe(5);
    expect(await importMenuSourceIfEmpty(t.deps)).toBe(0);
    expect((await listCatalog(t.deps)).length).toBe(5);
  });

  it("downloads over http for the CLI and the admin API", async () => {
    expect(await importMenuFrom(t.deps, `${base}/menu.csv`)).toEqual({ imported: 5, errors: [] });
    const res = await postImport(t, { url: `${base}/menu.csv` });
    expect(res.status).toBe(200);
    const missing = await postImport(t, { url: `${base}/nope.csv` });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toContain("404");
  });

  it("a bad MENU_SOURCE stops the first start with a message naming it", async () => {
    const fresh = await createTestApp({ env: { MENU_SOURCE: `${base}/nope.csv` } });
    try {
      await expect(importMenuSourceIfEmpty(fresh.deps)).rejects.toThrow(ConfigError);
      await expect(importMenuSourceIfEmpty(fresh.deps)).rejects.toThrow(/MENU_SOURCE/);
    } finally {
      await fresh.close();
    }
  });

  it("turns a Google Sheet link into its CSV export URL", () => {
    expect(csvExportUrl("https://docs.google.com/spreadsheets/d/abc-123_X/edit#gid=42")).toBe(
      "https://docs.google.com/spreadsheets/d/abc-123_X/export?format=csv&gid=42",
    );
    expect(csvExportUrl("https://example.com/menu.csv")).toBe("https://example.com/menu.csv");
  });
});
