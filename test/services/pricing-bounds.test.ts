/** The quote's amounts always fit the money columns; fees and discounts are never negative. */
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import type { CatalogItem } from "../../src/services/catalog/types.js";
import { isAmount, isFee, MAX_MONEY_CENTS, toCents } from "../../src/services/money.js";
import { quote } from "../../src/services/pricing.js";
import { demoCatalogItems } from "../helpers/catalog.js";

const catalog: CatalogItem[] = demoCatalogItems();
const opts = { deliveryFee: "100.00", currency: "฿" };
const purpleHaze = catalog.find((c) => c.name === "Purple Haze")!;
const tee = catalog.find((c) => c.name === "OG Lab T-shirt")!;
const cart = [{ productId: purpleHaze.id, quantity: 20 }]; // 6000.00

/** A weighed product at 9,999,999,999.00 a gram, no stock limit. */
const gold: CatalogItem = {
  ...purpleHaze,
  id: "gold",
  name: "Gold",
  minQuantity: "1",
  stock: null,
  prices: [{ ...purpleHaze.prices[0]!, id: "gold-1g", grams: "1", price: "9999999999.00" }],
};

function refusal(fn: () => unknown): { status: number; field: string; code: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    const [d] = err.details as Array<{ field: string; code: string }>;
    expect(err.message.startsWith(`${d?.field}:`)).toBe(true);
    return { status: err.status, field: d!.field, code: d!.code };
  }
  throw new Error("expected a refusal");
}

describe("money bounds", () => {
  it("isFee (the settings' and staff orders' fee check): non-negative, at most 99,999,999.99", () => {
    for (const ok of ["0", "100", "100.5", "100.50", "99999999.99"]) {
      expect(isFee(ok), ok).toBe(true);
    }
    for (const bad of ["-100", "-0.01", "100000000", "999999999999.99", "1.234", "", " 1", "1e3"]) {
      expect(isFee(bad), bad).toBe(false);
    }
  });

  it("isAmount: non-negative and fits numeric(12,2)", () => {
    expect(isAmount("9999999999.99")).toBe(true);
    expect(toCents("9999999999.99")).toBe(MAX_MONEY_CENTS);
    for (const bad of ["10000000000", "999999999999", "-1", "1.001"]) expect(isAmount(bad), bad).toBe(false);
  });
});

describe("quote: amounts that do not fit", () => {
  it("refuses a negative delivery fee, naming deliveryFee", () => {
    for (const fee of ["-100", "-999999", "-0.01"]) {
      expect(refusal(() => quote(catalog, cart, { ...opts, deliveryFee: fee }))).toEqual({
        status: 422,
        field: "deliveryFee",
        code: "NEGATIVE_AMOUNT",
      });
    }
  });

  it("refuses a fee that is not an amount or does not fit a column, naming deliveryFee", () => {
    for (const fee of ["abc", "999999999999.99", "1.234"]) {
      expect(refusal(() => quote(catalog, cart, { ...opts, deliveryFee: fee })).field).toBe("deliveryFee");
    }
  });

  it("refuses a subtotal plus fee beyond 9,999,999,999.99, naming deliveryFee", () => {
    expect(refusal(() => quote(catalog, cart, { ...opts, deliveryFee: "9999999999.99" }))).toEqual({
      status: 422,
      field: "deliveryFee",
      code: "TOTAL_TOO_LARGE",
    });
    expect(refusal(() => quote([gold], [{ productId: "gold", quantity: 1 }], opts)).field).toBe(
      "deliveryFee",
    );
    // The largest total fits.
    const q = quote([gold], [{ productId: "gold", quantity: 1 }], { ...opts, deliveryFee: "0.99" });
    expect(q.total).toBe("9999999999.99");
    expect(quote(catalog, cart, { ...opts, deliveryFee: "9999993999.99" }).total).toBe("9999999999.99");
  });

  it("refuses items that come to more than an order holds, naming items", () => {
    expect(
      refusal(() => quote([gold], [{ productId: "gold", quantity: 2 }], { ...opts, deliveryFee: "0" })),
    ).toEqual({ status: 422, field: "items", code: "TOTAL_TOO_LARGE" });
    const line = { productId: "gold", quantity: 1 };
    expect(refusal(() => quote([gold], [line, line], { ...opts, deliveryFee: "0" })).field).toBe("items");
  });

  it("a negative discount counts as none; one above subtotal + fee is cut to it", () => {
    expect(quote(catalog, cart, { ...opts, discount: "-500" })).toMatchObject({
      discount: "0.00",
      total: "6100.00",
    });
    expect(quote(catalog, cart, { ...opts, discount: "9999999999.99" })).toMatchObject({
      discount: "6100.00",
      total: "0.00",
    });
    expect(refusal(() => quote(catalog, cart, { ...opts, discount: "99999999999" })).field).toBe("discount");
  });
});

describe("quote: stock across lines", () => {
  const limited: CatalogItem = { ...purpleHaze, stock: "500" };

  it("sums the lines of one product before checking its stock", () => {
    const q = quote(
      [limited],
      [
        { productId: limited.id, quantity: 300 },
        { productId: limited.id, quantity: "300" },
      ],
      opts,
    );
    expect(q.problems).toEqual([
      { code: "OUT_OF_STOCK", productId: limited.id, name: limited.name, available: 500 },
    ]);
    const ok = quote(
      [limited],
      [
        { productId: limited.id, quantity: 250 },
        { productId: limited.id, quantity: 250 },
      ],
      opts,
    );
    expect(ok.problems).toEqual([]);
    expect(ok.lines).toHaveLength(2);
  });

  it("sums the lines of one variant, but not of different variants", () => {
    const withStock = tee.prices.filter((p) => p.stock !== null && p.stock > 1);
    const v = withStock[0]!;
    const half = Math.floor(v.stock! / 2) + 1;
    const q = quote(
      catalog,
      [
        { productId: tee.id, quantity: half, variantId: v.id },
        { productId: tee.id, quantity: half, variantId: v.id },
      ],
      opts,
    );
    expect(q.problems).toEqual([
      { code: "OUT_OF_STOCK", productId: tee.id, name: tee.name, available: v.stock },
    ]);
    const w = withStock.find((p) => p.id !== v.id && p.stock! >= half)!;
    const both = quote(
      catalog,
      [
        { productId: tee.id, quantity: half, variantId: v.id },
        { productId: tee.id, quantity: half, variantId: w.id },
      ],
      opts,
    );
    expect(both.problems).toEqual([]);
  });

  it("keeps the problems in line order and the minimum per line", () => {
    const q = quote(
      [limited],
      [
        { productId: "nope", quantity: 20 },
        { productId: limited.id, quantity: 10 },
        { productId: limited.id, quantity: 10 },
      ],
      opts,
    );
    expect(q.problems.map((p) => p.code)).toEqual(["UNKNOWN_PRODUCT", "BELOW_MINIMUM", "BELOW_MINIMUM"]);
  });
});
