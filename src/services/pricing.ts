/**
 * Where orders are priced. Every figure comes from the catalog and the settings; nothing a
 * customer or a model says changes a price.
 *
 * Weight goods: a tier's price is the price of that pack (1g, 5g, 20g). A quantity is charged at
 * the per-gram rate of the largest tier it reaches: 20 g at the 20g pack price, 25 g at 25 × (20g
 * price / 20). Variant goods (size/colour): unit price × pieces.
 */
import type { CatalogItem, PriceOption } from "./catalog/types.js";
import { divRound, fromCents, toCents, toHundredths } from "./money.js";

export interface QuoteLineInput {
  productId: string;
  /** grams for weighed goods, pieces for variant goods */
  quantity: string | number;
  /** required for variant goods with more than one variant */
  variantId?: string;
}

export interface QuotedLine {
  product_id: string;
  product_name: string;
  product_type: string | null;
  category: string;
  variant_id: string | null;
  variant_label: string | null;
  quantity: number;
  unit: "g" | "pcs";
  price_per_unit: string;
  total_price: string;
}

export type QuoteProblem =
  | { code: "UNKNOWN_PRODUCT"; productId: string }
  | { code: "VARIANT_REQUIRED"; productId: string; name: string; options: string[] }
  | { code: "UNKNOWN_VARIANT"; productId: string; variantId: string }
  | { code: "BELOW_MINIMUM"; productId: string; name: string; minimum: number; unit: string }
  | { code: "OUT_OF_STOCK"; productId: string; name: string; available: number }
  | { code: "BAD_QUANTITY"; productId: string; quantity: string }
  | { code: "NO_PRICE"; productId: string; name: string };

export interface Quote {
  lines: QuotedLine[];
  subtotal: string;
  deliveryFee: string;
  discount: string;
  total: string;
  currency: string;
  problems: QuoteProblem[];
}

export interface QuoteOptions {
  deliveryFee: string;
  discount?: string;
  currency: string;
}

function quantityOk(q: string | number, unit: "g" | "pcs"): bigint | undefined {
  const s = typeof q === "number" ? String(q) : q.trim();
  if (unit === "pcs" ? !/^\d{1,6}$/.test(s) : !/^\d{1,6}(\.\d{1,2})?$/.test(s)) return undefined;
  const h = toHundredths(s);
  return h > 0n ? h : undefined;
}

function weightRate(tiers: PriceOption[], qty: bigint): { tier: PriceOption; total: bigint } | undefined {
  const sorted = tiers
    .filter((t) => t.grams !== null)
    .sort((a, b) => Number(toHundredths(a.grams!) - toHundredths(b.grams!)));
  if (sorted.length === 0) return undefined;
  let chosen = sorted[0]!;
  for (const t of sorted) if (toHundredths(t.grams!) <= qty) chosen = t;
  // total = pack price × qty / pack grams, all in hundredths; rounded to the satang.
  const total = divRound(toCents(chosen.price) * qty, toHundredths(chosen.grams!));
  return { tier: chosen, total };
}

/** Prices a cart against the catalog. Problems are reported, never silently "fixed". */
export function quote(catalog: CatalogItem[], lines: QuoteLineInput[], opts: QuoteOptions): Quote {
  const byId = new Map(catalog.map((i) => [i.id, i]));
  const out: QuotedLine[] = [];
  const problems: QuoteProblem[] = [];
  let subtotal = 0n;
  for (const line of lines) {
    const item = byId.get(line.productId);
    if (!item) {
      problems.push({ code: "UNKNOWN_PRODUCT", productId: line.productId });
      continue;
    }
    const qty = quantityOk(line.quantity, item.unit);
    if (qty === undefined) {
      problems.push({ code: "BAD_QUANTITY", productId: item.id, quantity: String(line.quantity) });
      continue;
    }
    const min = toHundredths(item.minQuantity);
    if (qty < min) {
      problems.push({
        code: "BELOW_MINIMUM",
        productId: item.id,
        name: item.name,
        minimum: Number(item.minQuantity),
        unit: item.unit,
      });
      continue;
    }
    if (item.unit === "g") {
      const priced = weightRate(
        item.prices.filter((p) => p.kind === "weight"),
        qty,
      );
      if (!priced) {
        problems.push({ code: "NO_PRICE", productId: item.id, name: item.name });
        continue;
      }
      if (item.stock !== null && toHundredths(item.stock) < qty) {
        problems.push({
          code: "OUT_OF_STOCK",
          productId: item.id,
          name: item.name,
          available: Number(item.stock),
        });
        continue;
      }
      subtotal += priced.total;
      out.push({
        product_id: item.id,
        product_name: item.name,
        product_type: item.type,
        category: item.category,
        variant_id: null,
        variant_label: null,
        quantity: Number(qty) / 100,
        unit: "g",
        price_per_unit: fromCents(
          divRound(toCents(priced.tier.price) * 100n, toHundredths(priced.tier.grams!)),
        ),
        total_price: fromCents(priced.total),
      });
      continue;
    }
    const variants = item.prices.filter((p) => p.kind === "variant");
    let variant: PriceOption | undefined;
    if (line.variantId) {
      variant = variants.find((v) => v.id === line.variantId);
      if (!variant) {
        problems.push({ code: "UNKNOWN_VARIANT", productId: item.id, variantId: line.variantId });
        continue;
      }
    } else if (variants.length === 1) {
      variant = variants[0];
    } else {
      problems.push({
        code: "VARIANT_REQUIRED",
        productId: item.id,
        name: item.name,
        options: variants.map((v) => v.label),
      });
      continue;
    }
    if (!variant) {
      problems.push({ code: "NO_PRICE", productId: item.id, name: item.name });
      continue;
    }
    const pieces = qty / 100n;
    if (variant.stock !== null && BigInt(variant.stock) < pieces) {
      problems.push({ code: "OUT_OF_STOCK", productId: item.id, name: item.name, available: variant.stock });
      continue;
    }
    const total = toCents(variant.price) * pieces;
    subtotal += total;
    out.push({
      product_id: item.id,
      product_name: item.name,
      product_type: item.type,
      category: item.category,
      variant_id: variant.id,
      variant_label: variant.label,
      quantity: Number(pieces),
      unit: "pcs",
      price_per_unit: variant.price,
      total_price: fromCents(total),
    });
  }
  const fee = toCents(opts.deliveryFee);
  let discount = toCents(opts.discount ?? "0");
  if (discount < 0n) discount = 0n;
  if (discount > subtotal + fee) discount = subtotal + fee;
  return {
    lines: out,
    subtotal: fromCents(subtotal),
    deliveryFee: fromCents(fee),
    discount: fromCents(discount),
    total: fromCents(subtotal + fee - discount),
    currency: opts.currency,
    problems,
  };
}
