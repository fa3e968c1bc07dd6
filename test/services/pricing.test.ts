import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../../src/services/catalog/types.js";
import { fromCents, toCents } from "../../src/services/money.js";
import { quote } from "../../src/services/pricing.js";
import { demoCatalogItems } from "../helpers/catalog.js";

const catalog: CatalogItem[] = demoCatalogItems();
const opts = { deliveryFee: "100.00", currency: "฿" };
const purpleHaze = catalog.find((c) => c.name === "Purple Haze")!;
const hash = catalog.find((c) => c.category === "hash")!;
const tee = catalog.find((c) => c.name === "OG Lab T-shirt")!;

describe("pricing", () => {
  it("charges 20 g of flower at the 20g pack price plus the delivery fee", () => {
    const q = quote(catalog, [{ productId: purpleHaze.id, quantity: 20 }], opts);
    expect(q.problems).toEqual([]);
    expect(q.subtotal).toBe("6000.00");
    expect(q.total).toBe("6100.00");
    expect(q.lines[0]).toMatchObject({ quantity: 20, price_per_unit: "300.00", total_price: "6000.00" });
  });

  it("charges 25 g at the 20g per-gram rate", () => {
    const q = quote(catalog, [{ productId: purpleHaze.id, quantity: "25" }], opts);
    expect(q.subtotal).toBe("7500.00");
  });

  it("refuses flower below 20 g and hash below 10 g", () => {
    expect(quote(catalog, [{ productId: purpleHaze.id, quantity: 19 }], opts).problems[0]).toMatchObject({
      code: "BELOW_MINIMUM",
      minimum: 20,
    });
    expect(quote(catalog, [{ productId: hash.id, quantity: 9 }], opts).problems[0]).toMatchObject({
      code: "BELOW_MINIMUM",
      minimum: 10,
    });
    expect(quote(catalog, [{ productId: hash.id, quantity: 10 }], opts).problems).toEqual([]);
  });

  it("prices variants by piece and requires a choice when there are several", () => {
    expect(quote(catalog, [{ productId: tee.id, quantity: 1 }], opts).problems[0]?.code).toBe(
      "VARIANT_REQUIRED",
    );
    const m = tee.prices.find((p) => p.label === "M / black")!;
    const q = quote(catalog, [{ productId: tee.id, quantity: 2, variantId: m.id }], opts);
    expect(q.subtotal).toBe("1380.00");
    const soldOut = tee.prices.find((p) => p.stock === 0)!;
    expect(
      quote(catalog, [{ productId: tee.id, quantity: 1, variantId: soldOut.id }], opts).problems[0]?.code,
    ).toBe("OUT_OF_STOCK");
  });

  it("rejects unknown products and nonsense quantities", () => {
    expect(quote(catalog, [{ productId: "nope", quantity: 20 }], opts).problems[0]?.code).toBe(
      "UNKNOWN_PRODUCT",
    );
    for (const bad of ["-20", "abc", "1e3", "0", "20.555"]) {
      expect(quote(catalog, [{ productId: purpleHaze.id, quantity: bad }], opts).problems[0]?.code).toBe(
        "BAD_QUANTITY",
      );
    }
  });

  it("never lets a discount push the total below zero", () => {
    const q = quote(catalog, [{ productId: purpleHaze.id, quantity: 20 }], { ...opts, discount: "999999" });
    expect(q.total).toBe("0.00");
  });

  it("total = sum of lines + fee − discount, exactly, for any cart (property)", () => {
    const weighed = catalog.filter((c) => c.unit === "g");
    fc.assert(
      fc.property(
        fc.array(fc.record({ i: fc.nat(weighed.length - 1), q: fc.integer({ min: 20, max: 400 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 0, max: 50_000 }),
        (lines, disc) => {
          const q = quote(
            catalog,
            lines.map((l) => ({ productId: weighed[l.i]!.id, quantity: l.q })),
            { ...opts, discount: fromCents(BigInt(disc)) },
          );
          if (q.problems.length > 0) return true;
          const sum = q.lines.reduce((n, l) => n + toCents(l.total_price), 0n);
          expect(toCents(q.subtotal)).toBe(sum);
          expect(toCents(q.total)).toBe(sum + toCents(q.deliveryFee) - toCents(q.discount));
          return true;
        },
      ),
    );
  });
});
