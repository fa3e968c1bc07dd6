/**
 * How products are shown to a model (compact JSON in tool results) and to the customer (product
 * cards). Prices are the catalog's exact strings; nothing here computes a charge.
 */
import type { CatalogItem } from "../services/catalog/types.js";

export interface ProductSummary {
  id: string;
  name: string;
  category: string;
  type: string | null;
  thc: number | null;
  cbg: number | null;
  effects: string[];
  flavors: string[];
  unit: "g" | "pcs";
  minQuantity: string;
  inStock: boolean;
  isOur: boolean;
  description: string | null;
  prices: Array<{ label: string; price: string; variantId?: string; stock?: number | null }>;
}

export function summarize(i: CatalogItem): ProductSummary {
  return {
    id: i.id,
    name: i.name,
    category: i.category,
    type: i.type,
    thc: i.thc,
    cbg: i.cbg,
    effects: i.effects,
    flavors: i.flavors,
    unit: i.unit,
    minQuantity: i.minQuantity,
    inStock: i.inStock,
    isOur: i.isOur,
    description: i.description,
    prices: i.prices.map((p) =>
      p.kind === "variant"
        ? { label: p.label, price: p.price, variantId: p.id, stock: p.stock }
        : { label: p.label, price: p.price },
    ),
  };
}

/** A product card for the chat widget and Telegram (SPEC §3 `productCards`). */
export interface ProductCard {
  id: string;
  slug: string;
  name: string;
  category: string;
  type: string | null;
  thc: number | null;
  cbg: number | null;
  effects: string[];
  imageUrl: string | null;
  inStock: boolean;
  unit: "g" | "pcs";
  minQuantity: string;
  currency: string;
  /**
   * One row per price: `id` is the price row, `grams` the pack weight of a weight tier (null for
   * a variant), `variantId` what an order line needs for a variant (size/colour) good.
   */
  prices: Array<{
    id: string;
    kind: "weight" | "variant";
    label: string;
    price: string;
    grams: string | null;
    variantId?: string;
    stock?: number | null;
  }>;
}

export function toCard(i: CatalogItem, currency: string): ProductCard {
  return {
    id: i.id,
    slug: i.slug,
    name: i.name,
    category: i.category,
    type: i.type,
    thc: i.thc,
    cbg: i.cbg,
    effects: i.effects,
    imageUrl: i.imageUrl,
    inStock: i.inStock,
    unit: i.unit,
    minQuantity: i.minQuantity,
    currency,
    prices: i.prices.map((p) =>
      p.kind === "variant"
        ? {
            id: p.id,
            kind: p.kind,
            label: p.label,
            price: p.price,
            grams: null,
            variantId: p.id,
            stock: p.stock,
          }
        : { id: p.id, kind: p.kind, label: p.label, price: p.price, grams: p.grams },
    ),
  };
}

const namePatterns = new WeakMap<CatalogItem[], Array<{ item: CatalogItem; re: RegExp }>>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Products whose names appear in a reply, in order of appearance (the "product mentions"). */
export function extractMentions(text: string, catalog: CatalogItem[]): CatalogItem[] {
  let patterns = namePatterns.get(catalog);
  if (!patterns) {
    // Longest names first, so "Pre-roll Purple Haze" is found before "Purple Haze".
    patterns = [...catalog]
      .sort((a, b) => b.name.length - a.name.length)
      .map((item) => ({
        item,
        re: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(item.name)}(?=$|[^\\p{L}\\p{N}])`, "iu"),
      }));
    namePatterns.set(catalog, patterns);
  }
  const found: Array<{ item: CatalogItem; at: number }> = [];
  let rest = text;
  for (const { item, re } of patterns) {
    const m = re.exec(rest);
    if (!m) continue;
    const at = m.index + m[1]!.length;
    found.push({ item, at });
    // Blank the match out so a shorter name inside it is not counted again.
    rest = rest.slice(0, at) + " ".repeat(item.name.length) + rest.slice(at + item.name.length);
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.item);
}
