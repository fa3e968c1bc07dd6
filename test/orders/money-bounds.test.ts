/**
 * Money that does not fit: fees, discounts and totals beyond the numeric(12,2) columns, negative
 * fees, and stock asked for by several lines. Every one is a 4xx naming the field, never a 500,
 * and no order is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema.js";
import { listCatalog } from "../../src/services/catalog/index.js";
import { importMenuCsv } from "../../src/services/menu-import.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { getSettings } from "../../src/services/settings.js";
import { createTestApp, staffAuth } from "../helpers/app.js";
import { type Client, customer, demoCart, orderBody, staff } from "./support.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const MENU = [
  "Name,Category,Price_1g,Price_5g,Price_20g,Stock,Min,Sizes,Colors,Price",
  // 9,999,999,999.00 a gram: the largest price the catalog column holds (bar the cents).
  "Gold,Flower,9999999999,,,,1,,,",
  "Haze,Flower,10,40,150,500,20,,,",
  "Tee,Merch,,,,5,,S,black,690",
].join("\n");

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;
}

describe("order money bounds", () => {
  let t: TestApp;
  let alice: Client;
  let admin: Client;
  let ids: { gold: string; haze: string; tee: string; teeVariant: string };
  let profileId: string;

  beforeAll(async () => {
    t = await createTestApp();
    expect((await importMenuCsv(t.deps, MENU)).errors).toEqual([]);
    const catalog = await listCatalog(t.deps);
    const by = (name: string) => catalog.find((i) => i.name === name)!;
    ids = {
      gold: by("Gold").id,
      haze: by("Haze").id,
      tee: by("Tee").id,
      teeVariant: by("Tee").prices[0]!.id,
    };
    alice = customer(t.app);
    admin = staff(t.app);
    profileId = (await getOrCreateWebProfile(t.deps, crypto.randomUUID())).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const orderCount = async () => (await t.deps.db.select({ id: orders.id }).from(orders)).length;

  async function refused(who: Client, body: unknown, status: number, field: string) {
    const before = await orderCount();
    const res = await who.request("POST", "/api/orders", body);
    const text = await res.clone().text();
    expect(res.status, text).toBe(status);
    const error = await errorOf(res);
    expect(error.message, text).toContain(field);
    expect(error.details, text).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await orderCount()).toBe(before);
    return error;
  }

  it("refuses a staff delivery fee too large for an order with a 400 naming deliveryFee", async () => {
    const items = [{ productId: ids.haze, quantity: 20 }];
    for (const fee of ["9999999999.99", "100000000", "-100"]) {
      await refused(
        admin,
        { ...orderBody(items), userProfileId: profileId, deliveryFee: fee },
        400,
        "deliveryFee",
      );
    }
    await refused(
      admin,
      { ...orderBody(items), userProfileId: profileId, discount: "99999999999" },
      400,
      "discount",
    );
    // The largest fee is fine.
    const res = await admin.request("POST", "/api/orders", {
      ...orderBody(items),
      userProfileId: profileId,
      deliveryFee: "99999999.99",
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ subtotal: "150.00", totalAmount: "100000149.99" });
  });

  it("refuses items whose total does not fit an order with a 422 naming items", async () => {
    const error = await refused(alice, orderBody([{ productId: ids.gold, quantity: 2 }]), 422, "items");
    expect(error.code).toBe("UNPROCESSABLE");
    expect(error.details).toEqual([expect.objectContaining({ field: "items", code: "TOTAL_TOO_LARGE" })]);
    // Two lines that fit one by one but not together.
    await refused(
      admin,
      {
        ...orderBody([
          { productId: ids.gold, quantity: 1 },
          { productId: ids.gold, quantity: 1 },
        ]),
        userProfileId: profileId,
        deliveryFee: "0",
      },
      422,
      "items",
    );
  });

  it("refuses a fee that pushes a fitting subtotal over the column with a 422 naming deliveryFee", async () => {
    // 9,999,999,999.00 of items + the shop's 100.00 fee.
    const error = await refused(alice, orderBody([{ productId: ids.gold, quantity: 1 }]), 422, "deliveryFee");
    expect(error.details).toEqual([
      expect.objectContaining({ field: "deliveryFee", code: "TOTAL_TOO_LARGE" }),
    ]);
    await refused(
      admin,
      { ...orderBody([{ productId: ids.gold, quantity: 1 }]), userProfileId: profileId, deliveryFee: "1.00" },
      422,
      "deliveryFee",
    );
    // Exactly the largest order: 9,999,999,999.00 + 0.99, twice for one customer: the second
    // still goes through, and the customer's total_spent (numeric(12,2) too) stays at its top.
    const fresh = (await getOrCreateWebProfile(t.deps, crypto.randomUUID())).id;
    for (let i = 0; i < 2; i++) {
      const res = await admin.request("POST", "/api/orders", {
        ...orderBody([{ productId: ids.gold, quantity: 1 }]),
        userProfileId: fresh,
        deliveryFee: "0.99",
        discount: "0",
      });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await res.json()).toMatchObject({ totalAmount: "9999999999.99" });
    }
    const [stats] = await t.deps.database.query(
      "select total_spent::text as spent, total_orders from user_profiles where id = $1::uuid",
      [fresh],
    );
    expect(stats).toMatchObject({ spent: "9999999999.99", total_orders: 2 });
  });

  it("counts every line of the same product against its stock", async () => {
    const error = await refused(
      alice,
      orderBody([
        { productId: ids.haze, quantity: 300 },
        { productId: ids.haze, quantity: 300 },
      ]),
      422,
      "items",
    );
    expect(error.details).toEqual([
      expect.objectContaining({ field: "items", code: "OUT_OF_STOCK", message: "Haze: only 500 available" }),
    ]);
    // Exactly the stock is fine.
    const ok = await alice.request(
      "POST",
      "/api/orders",
      orderBody([
        { productId: ids.haze, quantity: 200 },
        { productId: ids.haze, quantity: 300 },
      ]),
    );
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect(await ok.json()).toMatchObject({ subtotal: "3750.00" });
  });

  it("counts every line of the same variant against the variant's stock", async () => {
    const line = { productId: ids.tee, quantity: 3, variantId: ids.teeVariant };
    const error = await refused(alice, orderBody([line, line]), 422, "items");
    expect(error.details).toEqual([
      expect.objectContaining({ code: "OUT_OF_STOCK", message: "Tee: only 5 available" }),
    ]);
  });

  it("judges the minimum per line", async () => {
    // 10 g + 10 g of a 20 g-minimum flower: each line is below the minimum.
    const line = { productId: ids.haze, quantity: 10 };
    const error = await refused(alice, orderBody([line, line]), 422, "items");
    expect(error.details).toEqual([
      expect.objectContaining({ code: "BELOW_MINIMUM" }),
      expect.objectContaining({ code: "BELOW_MINIMUM" }),
    ]);
  });
});

describe("the delivery fee setting", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const put = (body: unknown) =>
    t.app.request("/api/admin/settings", {
      method: "PUT",
      headers: { "content-type": "application/json", ...staffAuth },
      body: JSON.stringify(body),
    });

  it("refuses a negative or oversized fee with a 400 naming deliveryFee and keeps the old one", async () => {
    const before = (await getSettings(t.deps)).deliveryFee;
    for (const fee of ["999999999999.99", "9999999999.99", "100000000", "-100", "-999999", "-0.01"]) {
      const res = await put({ deliveryFee: fee });
      const text = await res.clone().text();
      expect(res.status, `${fee}: ${text}`).toBe(400);
      expect((await errorOf(res)).message, text).toContain("deliveryFee");
      expect((await getSettings(t.deps)).deliveryFee).toBe(before);
    }
  });

  it("accepts the largest fee, and a customer order still fits", async () => {
    const res = await put({ deliveryFee: "99999999.99" });
    expect(res.status, await res.clone().text()).toBe(200);
    const cart = await demoCart(t.deps);
    const order = await customer(t.app).request("POST", "/api/orders", orderBody(cart.items));
    expect(order.status, await order.clone().text()).toBe(201);
    expect(await order.json()).toMatchObject({ deliveryFee: "99999999.99" });
  });
});
