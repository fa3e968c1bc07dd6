/**
 * Where orders are priced. Every figure comes from the catalog and the settings; nothing a
 * customer or a model says changes a price.
 *
 * Weight goods: a tier's price is the price of that pack (1g, 5g, 20g). A quantity is charged at
 * the per-gram rate of the largest tier it reaches: 20 g at the 20g pack price, 25 g at 25 × (20g
 * price / 20). Variant goods (size/colour): unit price × pieces.
 */
import { AppError } from "../errors.js";
import type { CatalogItem, PriceOption } from "./catalog/types.js";
import {
  divRound,
  formatMoney,
  fromCents,
  isAmount,
  MAX_MONEY_CENTS,
  toCents,
  toHundredths,
} from "./money.js";

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

/** A line that names a product, a valid quantity and a price: what is left is stock. */
interface ResolvedLine {
  item: CatalogItem;
  /** hundredths of a gram or of a piece */
  qty: bigint;
  /** weighed goods: the tier and the line's total */
  weight?: { tier: PriceOption; total: bigint };
  /** variant goods: the chosen variant */
  variant?: PriceOption;
  /** what the stock is counted per: the product, or the product's variant */
  stockKey: string;
}

/** A refusal of an amount that is not a line's problem (the fee, or the order as a whole). */
function amountError(field: "items" | "deliveryFee" | "discount", code: string, message: string): AppError {
  return new AppError("UNPROCESSABLE", `${field}: ${message}`, { details: [{ field, code, message }] });
}

const shown = (cents: bigint) => formatMoney(fromCents(cents), "");

/** The delivery fee as cents: a plain non-negative amount, or a 422 naming deliveryFee. */
function feeCents(fee: string): bigint {
  const s = fee.trim();
  if (/^-\d/.test(s)) throw amountError("deliveryFee", "NEGATIVE_AMOUNT", "must not be negative");
  if (!isAmount(s)) throw amountError("deliveryFee", "BAD_AMOUNT", `is not an amount: ${fee}`);
  return toCents(s);
}

/** The discount as cents: none when absent or below zero; a 422 naming discount when not an amount. */
function discountCents(discount: string | undefined): bigint {
  const s = discount?.trim() ?? "";
  if (s === "" || /^-\d/.test(s)) return 0n;
  if (!isAmount(s)) throw amountError("discount", "BAD_AMOUNT", `is not an amount: ${discount}`);
  return toCents(s);
}

/**
 * Prices a cart against the catalog. Problems are reported, never silently "fixed".
 *
 * Stock is judged per product (weighed goods) or per variant over the whole cart: two lines of
 * the same thing count together. The minimum quantity is judged per line, and each line is
 * priced at its own tier.
 *
 * Amounts: the delivery fee must not be negative; a discount below zero counts as none and one
 * above subtotal + fee is cut to it, so the total is never negative. A subtotal, or a subtotal
 * plus fee, larger than a money column holds (MAX_MONEY_CENTS) is refused with a 422 naming
 * items or deliveryFee (AppError), so every figure of a quote can be stored.
 */
export function quote(catalog: CatalogItem[], lines: QuoteLineInput[], opts: QuoteOptions): Quote {
  const fee = feeCents(opts.deliveryFee);
  const byId = new Map(catalog.map((i) => [i.id, i]));
  // One entry per input line, in order: a problem, or a line to check against stock and price.
  const resolved: Array<QuoteProblem | ResolvedLine> = lines.map((line) => resolveLine(byId, line));
  const wanted = new Map<string, bigint>();
  for (const r of resolved) {
    if ("stockKey" in r) wanted.set(r.stockKey, (wanted.get(r.stockKey) ?? 0n) + r.qty);
  }

  const out: QuotedLine[] = [];
  const problems: QuoteProblem[] = [];
  const shortReported = new Set<string>();
  let subtotal = 0n;
  for (const r of resolved) {
    if (!("stockKey" in r)) {
      problems.push(r);
      continue;
    }
    const { item, qty } = r;
    const total = wanted.get(r.stockKey) ?? qty;
    // Stock in hundredths: grams of the product, or pieces of the variant.
    const stock =
      r.variant !== undefined
        ? r.variant.stock === null
          ? null
          : BigInt(r.variant.stock) * 100n
        : item.stock === null
          ? null
          : toHundredths(item.stock);
    if (stock !== null && stock < total) {
      // One problem per product (or variant), however many lines ask for it.
      if (!shortReported.has(r.stockKey)) {
        shortReported.add(r.stockKey);
        problems.push({
          code: "OUT_OF_STOCK",
          productId: item.id,
          name: item.name,
          available: r.variant !== undefined ? (r.variant.stock ?? 0) : Number(item.stock),
        });
      }
      continue;
    }
    if (r.weight) {
      const { tier, total: lineTotal } = r.weight;
      subtotal += lineTotal;
      out.push({
        product_id: item.id,
        product_name: item.name,
        product_type: item.type,
        category: item.category,
        variant_id: null,
        variant_label: null,
        quantity: Number(qty) / 100,
        unit: "g",
        price_per_unit: fromCents(divRound(toCents(tier.price) * 100n, toHundredths(tier.grams!))),
        total_price: fromCents(lineTotal),
      });
      continue;
    }
    const variant = r.variant!;
    const pieces = qty / 100n;
    const lineTotal = toCents(variant.price) * pieces;
    subtotal += lineTotal;
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
      total_price: fromCents(lineTotal),
    });
  }

  if (subtotal > MAX_MONEY_CENTS) {
    throw amountError(
      "items",
      "TOTAL_TOO_LARGE",
      `the items come to ${shown(subtotal)}, more than one order can hold (${shown(MAX_MONEY_CENTS)}); split the order`,
    );
  }
  if (subtotal + fee > MAX_MONEY_CENTS) {
    throw amountError(
      "deliveryFee",
      "TOTAL_TOO_LARGE",
      `the items (${shown(subtotal)}) plus the delivery fee (${shown(fee)}) come to more than one order can hold (${shown(MAX_MONEY_CENTS)})`,
    );
  }
  let discount = discountCents(opts.discount);
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

/** Finds the product, checks the quantity and the minimum, and picks the tier or the variant. */
function resolveLine(byId: Map<string, CatalogItem>, line: QuoteLineInput): QuoteProblem | ResolvedLine {
  const item = byId.get(line.productId);
  if (!item) return { code: "UNKNOWN_PRODUCT", productId: line.productId };
  const qty = quantityOk(line.quantity, item.unit);
  if (qty === undefined) return { code: "BAD_QUANTITY", productId: item.id, quantity: String(line.quantity) };
  if (qty < toHundredths(item.minQuantity)) {
    return {
      code: "BELOW_MINIMUM",
      productId: item.id,
      name: item.name,
      minimum: Number(item.minQuantity),
      unit: item.unit,
    };
  }
  if (item.unit === "g") {
    const weight = weightRate(
      item.prices.filter((p) => p.kind === "weight"),
      qty,
    );
    if (!weight) return { code: "NO_PRICE", productId: item.id, name: item.name };
    return { item, qty, weight, stockKey: item.id };
  }
  const variants = item.prices.filter((p) => p.kind === "variant");
  let variant: PriceOption | undefined;
  if (line.variantId) {
    variant = variants.find((v) => v.id === line.variantId);
    if (!variant) return { code: "UNKNOWN_VARIANT", productId: item.id, variantId: line.variantId };
  } else if (variants.length === 1) {
    variant = variants[0];
  } else {
    return {
      code: "VARIANT_REQUIRED",
      productId: item.id,
      name: item.name,
      options: variants.map((v) => v.label),
    };
  }
  if (!variant) return { code: "NO_PRICE", productId: item.id, name: item.name };
  return { item, qty, variant, stockKey: `${item.id}:${variant.id}` };
}
