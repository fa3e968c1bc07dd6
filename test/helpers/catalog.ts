/**
 * The demo catalog in the shape readers get (ids and prices as the database would hand them
 * out), without a database: for the pure tests of pricing and catalog search.
 */
import { DEMO_CATALOG } from "../../src/services/catalog/demo.js";
import type { CatalogItem } from "../../src/services/catalog/types.js";

export function demoCatalogItems(): CatalogItem[] {
  return DEMO_CATALOG.map((d, i) => ({
    id: `p${i}`,
    slug: d.name.toLowerCase().replace(/\W+/g, "-"),
    name: d.name,
    category: d.category,
    type: d.type ?? null,
    thc: d.thc ? Number(d.thc) : null,
    cbg: d.cbg ? Number(d.cbg) : null,
    description: d.description ?? null,
    effects: d.effects ?? [],
    flavors: d.flavors ?? [],
    unit: d.unit,
    minQuantity: d.minQuantity ?? "1",
    stock: d.stock ?? null,
    inStock: true,
    isOur: d.isOur ?? false,
    imageUrl: null,
    sortOrder: i,
    prices: [
      ...(d.priceTiers ?? []).map((t, j) => ({
        id: `p${i}t${j}`,
        kind: "weight" as const,
        label: `${t.grams}g`,
        grams: t.grams,
        size: null,
        color: null,
        sku: null,
        price: t.price,
        stock: null,
      })),
      ...(d.variants ?? []).map((v, j) => ({
        id: `p${i}v${j}`,
        kind: "variant" as const,
        label: [v.size, v.color].filter(Boolean).join(" / "),
        grams: null,
        size: v.size ?? null,
        color: v.color ?? null,
        sku: v.sku ?? null,
        price: v.price,
        stock: v.stock ?? null,
      })),
    ],
  }));
}
