/**
 * Catalog search for the assistant: product names with typos and Cyrillic transliteration
 * ("огкуш", "пурпл хейз", "gelatto"), effects, types, categories and price ranges, in any of the
 * four languages. Pure functions over the cached catalog: no query per search.
 */
import type { CatalogItem } from "../services/catalog/types.js";
import { CATEGORY_WORDS, EFFECT_WORDS, matchKeys, normalizeText, TYPE_WORDS } from "./lexicon.js";

const CYR: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "h",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "sch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  і: "i",
  ї: "yi",
  є: "ye",
  ґ: "g",
};

export function transliterate(s: string): string {
  let out = "";
  for (const ch of s) out += CYR[ch] ?? ch;
  return out;
}

function tokens(s: string): string[] {
  return transliterate(normalizeText(s))
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
}

/** Consonant skeleton: "purple" → "prpl", "пурпл" → "prpl", "kush" → "ksh". */
function skeleton(w: string): string {
  return w.replace(/[aeiouy]/g, "").replace(/(.)\1+/g, "$1");
}

function editDistanceWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    prev = cur;
  }
  return prev[b.length]! <= max;
}

interface Word {
  w: string;
  sk: string;
}

const word = (w: string): Word => ({ w, sk: skeleton(w) });

/** 1 exact, 0.8 typo, 0.6 same consonant skeleton, 0 no match. */
function wordScore(n: Word, t: Word): number {
  if (n.w === t.w) return 1;
  if (n.w.length <= 2 || t.w.length <= 2) return 0;
  const max = n.w.length >= 7 ? 2 : n.w.length >= 4 ? 1 : 0;
  if (max > 0 && editDistanceWithin(n.w, t.w, max)) return 0.8;
  if (n.sk.length >= 2 && n.sk === t.sk) return 0.6;
  return 0;
}

interface PreparedName {
  words: Word[];
  joined: string;
  joinedSk: string;
}

/** Product names tokenized once per item (the catalog is cached, so its objects are reused). */
const prepared = new WeakMap<object, PreparedName>();

function prepare(item: Pick<CatalogItem, "name">): PreparedName {
  let p = prepared.get(item);
  if (!p) {
    const words = tokens(item.name)
      .filter((w) => !["the", "of"].includes(w))
      .map(word);
    const joined = words.map((x) => x.w).join("");
    p = { words, joined, joinedSk: skeleton(joined) };
    prepared.set(item, p);
  }
  return p;
}

/** How well the text names this product (0..1); whole-name concatenations ("ogkush") count. */
export function nameScore(item: Pick<CatalogItem, "name">, text: Word[]): number {
  const { words, joined, joinedSk } = prepare(item);
  if (words.length === 0) return 0;
  for (const t of text) {
    if (t.w.length >= 5 && (t.w === joined || editDistanceWithin(joined, t.w, 1))) return 1;
    if (t.w.length >= 4 && joinedSk.length >= 3 && t.sk === joinedSk) return 0.9;
  }
  let total = 0;
  for (const n of words) {
    let best = 0;
    for (const t of text) {
      best = Math.max(best, wordScore(n, t));
      if (best === 1) break;
    }
    if (best === 0) return 0;
    total += best;
  }
  const score = total / words.length;
  // A lone short word ("og", "ice") is not enough to name a product.
  if (words.length === 1 && words[0]!.w.length < 4 && score < 1) return 0;
  return score >= 0.6 ? score : 0;
}

export interface ParsedQuery {
  effects: string[];
  categories: string[];
  types: string[];
  maxPrice?: number;
  minPrice?: number;
  /** Products named in the text, best first. */
  named: Array<{ item: CatalogItem; score: number }>;
}

const PRICE_MAX = /(?:under|below|less than|up to|до|не дороже|дешевле|менше|до|ไม่เกิน|ต่ำกว่า)\s*(\d{2,6})/iu;
const PRICE_MIN = /(?:over|above|more than|from|от|дороже|від|มากกว่า)\s*(\d{2,6})\s*(?:฿|baht|бат|thb|บาท)/iu;

export function parseQuery(text: string, catalog: CatalogItem[]): ParsedQuery {
  const t = normalizeText(text);
  const tt = [...new Set(tokens(text))].map(word);
  const named = catalog
    .map((item) => ({ item, score: nameScore(item, tt) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  const max = t.match(PRICE_MAX)?.[1];
  const min = t.match(PRICE_MIN)?.[1];
  return {
    effects: matchKeys(t, EFFECT_WORDS),
    categories: matchKeys(t, CATEGORY_WORDS),
    types: matchKeys(t, TYPE_WORDS),
    maxPrice: max ? Number(max) : undefined,
    minPrice: min ? Number(min) : undefined,
    named,
  };
}

/** The product a text names best, if any (used by product_details and update_draft_order). */
export function resolveProduct(text: string, catalog: CatalogItem[]): CatalogItem | undefined {
  const byId = catalog.find((i) => i.id === text.trim() || i.slug === text.trim());
  if (byId) return byId;
  return parseQuery(text, catalog).named[0]?.item;
}

/** The cheapest price option of an item, as a number for ranking only (never for charging). */
function entryPrice(i: CatalogItem): number {
  const prices = i.prices.map((p) => Number(p.price));
  return prices.length ? Math.min(...prices) : Number.POSITIVE_INFINITY;
}

export interface SearchInput {
  query?: string;
  effect?: string;
  type?: string;
  category?: string;
  maxPrice?: number;
  minPrice?: number;
  inStockOnly?: boolean;
  limit?: number;
}

export interface SearchResult {
  items: CatalogItem[];
  matched: { names: string[]; effects: string[]; types: string[]; categories: string[] };
}

/** Ranks the catalog against a free-text query plus optional structured filters. */
export function searchCatalog(catalog: CatalogItem[], input: SearchInput): SearchResult {
  const parsed = parseQuery(input.query ?? "", catalog);
  const effects = [
    ...new Set([
      ...parsed.effects,
      ...matchKeys(normalizeText(input.effect ?? ""), EFFECT_WORDS),
      ...(input.effect && EFFECT_WORDS[input.effect.toLowerCase()] ? [input.effect.toLowerCase()] : []),
    ]),
  ];
  const types = [
    ...new Set([...parsed.types, ...(input.type ? matchKeys(normalizeText(input.type), TYPE_WORDS) : [])]),
  ];
  const categories = [
    ...new Set([
      ...parsed.categories,
      ...(input.category ? matchKeys(normalizeText(input.category), CATEGORY_WORDS) : []),
    ]),
  ];
  const maxPrice = input.maxPrice ?? parsed.maxPrice;
  const minPrice = input.minPrice ?? parsed.minPrice;
  const pool = catalog.filter(
    (i) =>
      (!input.inStockOnly || i.inStock) &&
      (maxPrice === undefined || entryPrice(i) <= maxPrice) &&
      (minPrice === undefined || entryPrice(i) >= minPrice),
  );
  const matched = { names: parsed.named.map((n) => n.item.name), effects, types, categories };
  if (parsed.named.length > 0) {
    const top = parsed.named[0]!.score;
    const items = parsed.named
      .filter((n) => n.score >= top - 0.2 && pool.includes(n.item))
      .map((n) => n.item);
    if (items.length > 0) return { items: items.slice(0, input.limit ?? 5), matched };
  }
  const hasFilter =
    effects.length + types.length + categories.length > 0 || maxPrice !== undefined || minPrice !== undefined;
  const scored = pool
    .map((i) => {
      let s = 0;
      for (const e of effects) if (i.effects.includes(e)) s += i.effects.indexOf(e) === 0 ? 3 : 2;
      if (types.length && i.type && types.includes(i.type)) s += 2;
      if (categories.length && categories.includes(i.category)) s += 3;
      if (effects.length && !effects.some((e) => i.effects.includes(e))) s = -1;
      if (types.length && !(i.type && types.includes(i.type))) s = -1;
      if (categories.length && !categories.includes(i.category)) s = -1;
      if (i.inStock) s += 0.5;
      if (i.isOur) s += 0.25;
      return { i, s };
    })
    .filter(
      (x) =>
        x.s >= 0 &&
        (hasFilter ? x.s > 0.75 || (!effects.length && !types.length && !categories.length) : true),
    )
    .sort((a, b) => b.s - a.s || a.i.sortOrder - b.i.sortOrder);
  return { items: scored.slice(0, input.limit ?? 5).map((x) => x.i), matched };
}
