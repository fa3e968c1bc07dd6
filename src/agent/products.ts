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

interface NamePattern {
  item: CatalogItem;
  re: RegExp;
  /** Its runs of ASCII letters and digits (lower-cased) that the text must have as whole runs. */
  runs: string[];
  /** And the ones it must merely contain. */
  substrings: string[];
}

/**
 * A catalog's name patterns (longest name first) and which of them a text can match at all.
 *
 * Under the `iu` flags an ASCII letter or digit matches only itself, its other case, U+212A
 * KELVIN SIGN (k) and U+017F LONG S (s), and ASCII punctuation only itself; `asciiLower` turns
 * each of those into the lower-case ASCII character, and nothing but a letter into an ASCII
 * letter or digit. So where a name matches, each of its runs of ASCII letters and digits is in
 * the lower-cased text, and a run bounded by ASCII punctuation or the name's ends is a whole run
 * of the text there (the regex's own boundaries are neither letters nor digits). Names are
 * looked up by their rarest bounded run; names without one are checked one by one.
 */
interface MentionIndex {
  patterns: NamePattern[];
  byRun: Map<string, number[]>;
  /** Patterns without a bounded run. */
  others: number[];
}

const mentionIndexes = new WeakMap<CatalogItem[], MentionIndex>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isAsciiPunctuation(c: number): boolean {
  return c < 0x80 && !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39));
}

function namePattern(item: CatalogItem): NamePattern {
  const { name } = item;
  const runs: string[] = [];
  const substrings: string[] = [];
  for (const m of name.matchAll(/[A-Za-z0-9]+/g)) {
    const start = m.index;
    const end = start + m[0].length;
    const bounded =
      (start === 0 || isAsciiPunctuation(name.charCodeAt(start - 1))) &&
      (end === name.length || isAsciiPunctuation(name.charCodeAt(end)));
    (bounded ? runs : substrings).push(m[0].toLowerCase());
  }
  return {
    item,
    re: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(name)}(?=$|[^\\p{L}\\p{N}])`, "iu"),
    runs,
    substrings,
  };
}

function buildMentionIndex(catalog: CatalogItem[]): MentionIndex {
  // Longest names first, so "Pre-roll Purple Haze" is found before "Purple Haze".
  const patterns = [...catalog].sort((a, b) => b.name.length - a.name.length).map(namePattern);
  const names = new Map<string, number>();
  for (const p of patterns) for (const run of new Set(p.runs)) names.set(run, (names.get(run) ?? 0) + 1);
  const ix: MentionIndex = { patterns, byRun: new Map(), others: [] };
  patterns.forEach(({ runs }, p) => {
    if (runs.length === 0) {
      ix.others.push(p);
      return;
    }
    let rarest = runs[0]!;
    for (const run of runs) if (names.get(run)! < names.get(rarest)!) rarest = run;
    const list = ix.byRun.get(rarest);
    if (list) list.push(p);
    else ix.byRun.set(rarest, [p]);
  });
  return ix;
}

/** The text lower-cased, with the long s (which matches s under the `iu` flags) as s. */
function asciiLower(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes("\u017f") ? lower.replace(/\u017f/g, "s") : lower;
}

/** Whether the text has every run and substring a name needs. */
function mayMatch(p: NamePattern, lower: string, runs: Set<string>): boolean {
  for (const run of p.runs) if (!runs.has(run)) return false;
  for (const sub of p.substrings) if (!lower.includes(sub)) return false;
  return true;
}

/** Products whose names appear in a reply, in order of appearance (the "product mentions"). */
export function extractMentions(text: string, catalog: CatalogItem[]): CatalogItem[] {
  let ix = mentionIndexes.get(catalog);
  if (!ix) {
    ix = buildMentionIndex(catalog);
    mentionIndexes.set(catalog, ix);
  }
  const lower = asciiLower(text);
  const runs = new Set(lower.match(/[a-z0-9]+/g));
  const candidates: number[] = [];
  for (const p of ix.others) if (mayMatch(ix.patterns[p]!, lower, runs)) candidates.push(p);
  for (const run of runs) {
    for (const p of ix.byRun.get(run) ?? []) if (mayMatch(ix.patterns[p]!, lower, runs)) candidates.push(p);
  }
  candidates.sort((a, b) => a - b);
  const found: Array<{ item: CatalogItem; at: number }> = [];
  let rest = text;
  for (const p of candidates) {
    const { item, re } = ix.patterns[p]!;
    const m = re.exec(rest);
    if (!m) continue;
    const at = m.index + m[1]!.length;
    found.push({ item, at });
    // Blank the match out so a shorter name inside it is not counted again. (What a name needs
    // in `rest` is in the original text too: blanking only makes spaces, and a match never
    // starts or ends right at a letter or digit of another one.)
    rest = rest.slice(0, at) + " ".repeat(item.name.length) + rest.slice(at + item.name.length);
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.item);
}
