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
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Every key of CYR is a single code unit in U+0430–U+0491.
    if (c < 0x0430 || c > 0x0491) continue;
    const r = CYR[s[i]!];
    if (r === undefined) continue;
    out += s.slice(last, i) + r;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
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

/** Whether the two strings are at most one insertion, deletion or substitution apart. */
function withinOneEdit(a: string, b: string): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  const la = a.length;
  const lb = b.length;
  if (lb - la > 1) return false;
  let i = 0;
  while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la) return true;
  // First difference at i: substitute (same lengths) or skip one character of the longer string.
  const skip = lb === la ? 1 : 0;
  for (let j = i + 1; j < lb; j++) if (a.charCodeAt(j - 1 + skip) !== b.charCodeAt(j)) return false;
  return true;
}

/** Two rows of the edit-distance table, reused (the search is synchronous). */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Whether the Levenshtein distance of `a` and `b` is at most `max`. */
export function editDistanceWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (max === 1) return withinOneEdit(a, b);
  if (a === b) return max >= 0;
  const n = b.length;
  if (rowA.length <= n) {
    rowA = new Int32Array(n + 1);
    rowB = new Int32Array(n + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const sub = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const v = Math.min(del, ins, sub);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n]! <= max;
}

interface Word {
  w: string;
  sk: string;
}

const WORDS_MAX = 4096;
/** Recent words with their skeletons (shared, read only): the same words come back in every query. */
const recentWords = new Map<string, Word>();

function word(w: string): Word {
  let x = recentWords.get(w);
  if (!x) {
    x = { w, sk: skeleton(w) };
    if (recentWords.size >= WORDS_MAX) recentWords.clear();
    recentWords.set(w, x);
  }
  return x;
}

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

/**
 * The catalog's names worked out once (for a catalog that cannot change): its distinct name words
 * and whole names by text, length and skeleton, so a query only scores the words and names it
 * could match instead of every word of every product.
 */
interface NameIndex {
  /** Per item: its name words as indices into `words` (none: it can never be named). */
  itemWords: number[][];
  joined: string[];
  /** Items (with words) by the length of their whole name, and by its skeleton (≥ 3 letters). */
  joinedByLength: Map<number, number[]>;
  joinedBySk: Map<string, number[]>;
  /** Distinct name words, the items that have each, and the words by text, length and skeleton (≥ 2). */
  words: Word[];
  wordItems: number[][];
  wordByText: Map<string, number>;
  wordsByLength: Map<number, number[]>;
  wordsBySk: Map<string, number[]>;
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function buildNameIndex(catalog: readonly CatalogItem[]): NameIndex {
  const ix: NameIndex = {
    itemWords: [],
    joined: [],
    joinedByLength: new Map(),
    joinedBySk: new Map(),
    words: [],
    wordItems: [],
    wordByText: new Map(),
    wordsByLength: new Map(),
    wordsBySk: new Map(),
  };
  catalog.forEach((item, i) => {
    const p = prepare(item);
    ix.joined.push(p.joined);
    const ids: number[] = [];
    for (const n of p.words) {
      let d = ix.wordByText.get(n.w);
      if (d === undefined) {
        d = ix.words.length;
        ix.words.push(n);
        ix.wordItems.push([]);
        ix.wordByText.set(n.w, d);
        pushTo(ix.wordsByLength, n.w.length, d);
        if (n.sk.length >= 2) pushTo(ix.wordsBySk, n.sk, d);
      }
      const items = ix.wordItems[d]!;
      if (items[items.length - 1] !== i) items.push(i);
      ids.push(d);
    }
    ix.itemWords.push(ids);
    if (ids.length === 0) return;
    pushTo(ix.joinedByLength, p.joined.length, i);
    if (p.joinedSk.length >= 3) pushTo(ix.joinedBySk, p.joinedSk, i);
  });
  return ix;
}

/** What nameScore gives every item of the indexed catalog, for the items it is not 0 for. */
function indexedNames(
  catalog: readonly CatalogItem[],
  ix: NameIndex,
  text: Word[],
): Array<{ item: CatalogItem; score: number }> {
  // The whole name: the first word of the text that is it (or one edit away) gives 1, the first
  // with its skeleton 0.9, whichever comes first (nameScore's first loop).
  const whole = new Map<number, number>();
  // Per distinct name word, its best score against the text's words (nameScore's second loop).
  const best = new Map<number, number>();
  for (const t of text) {
    const len = t.w.length;
    if (len >= 5) {
      for (let l = len - 1; l <= len + 1; l++) {
        for (const i of ix.joinedByLength.get(l) ?? []) {
          const j = ix.joined[i]!;
          if (!whole.has(i) && (t.w === j || editDistanceWithin(j, t.w, 1))) whole.set(i, 1);
        }
      }
    }
    if (len >= 4) for (const i of ix.joinedBySk.get(t.sk) ?? []) if (!whole.has(i)) whole.set(i, 0.9);
    const exact = ix.wordByText.get(t.w);
    if (exact !== undefined) best.set(exact, 1);
    if (len <= 2) continue; // only an exact match scores then
    // A typo is at most 2 edits (so 2 letters of length) away; a skeleton is looked up.
    for (let l = len - 2; l <= len + 2; l++) {
      for (const d of ix.wordsByLength.get(l) ?? []) {
        const s = wordScore(ix.words[d]!, t);
        if (s > (best.get(d) ?? 0)) best.set(d, s);
      }
    }
    for (const d of ix.wordsBySk.get(t.sk) ?? []) {
      const s = wordScore(ix.words[d]!, t);
      if (s > (best.get(d) ?? 0)) best.set(d, s);
    }
  }
  // Only items with a whole-name match or a matched word can score; in catalog order.
  const candidates = new Set<number>(whole.keys());
  for (const [d, s] of best) if (s > 0) for (const i of ix.wordItems[d]!) candidates.add(i);
  const named: Array<{ item: CatalogItem; score: number }> = [];
  for (const i of [...candidates].sort((a, b) => a - b)) {
    const ids = ix.itemWords[i]!;
    let score = whole.get(i);
    if (score === undefined) {
      let total = 0;
      for (const d of ids) {
        const b = best.get(d) ?? 0;
        if (b === 0) {
          total = 0;
          break;
        }
        total += b;
      }
      score = total / ids.length;
      // (the same rules as nameScore)
      if (ids.length === 1 && ix.words[ids[0]!]!.w.length < 4 && score < 1) score = 0;
      if (score < 0.6) score = 0;
    }
    if (score > 0) named.push({ item: catalog[i]!, score });
  }
  return named;
}

function computeQuery(text: string, catalog: readonly CatalogItem[], index?: NameIndex): ParsedQuery {
  const t = normalizeText(text);
  const tt = [...new Set(tokens(text))].map(word);
  let named: ParsedQuery["named"];
  if (index) named = indexedNames(catalog, index, tt);
  else {
    named = [];
    for (const item of catalog) {
      const score = nameScore(item, tt);
      if (score > 0) named.push({ item, score });
    }
  }
  named.sort((a, b) => b.score - a.score);
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

const QUERIES_PER_CATALOG = 64;
const QUERY_MAX_CHARS = 1000;

/** What is worked out once per catalog (see `memoOf`). */
interface CatalogMemo {
  /**
   * Recent queries: a turn parses its message two or three times (the prompt's relevant products,
   * then search_catalog / product_details / update_draft_order).
   */
  queries: Map<string, ParsedQuery>;
  /** The names, indexed when first needed. */
  names?: NameIndex;
  /** The first item with each id, and with each id or slug (as `find` would give). */
  byId?: Map<string, CatalogItem>;
  byIdOrSlug?: Map<string, CatalogItem>;
  /** Recent rankings, by everything a ranking depends on (see `rankingKey`). */
  rankings: Map<string, CatalogItem[]>;
}

/**
 * Per catalog array that is frozen with its items (their effects and prices too), as the cached
 * catalog is: one array until it changes, and a new array starts afresh. Freezing cannot be
 * undone, so such a catalog cannot change under its memo. Any other array (tests, callers that
 * build their own) is worked out every time (null).
 */
const memos = new WeakMap<readonly CatalogItem[], CatalogMemo | null>();

function isFrozenItem(i: CatalogItem): boolean {
  return (
    Object.isFrozen(i) &&
    Object.isFrozen(i.effects) &&
    Object.isFrozen(i.prices) &&
    i.prices.every((p) => Object.isFrozen(p))
  );
}

function memoOf(catalog: readonly CatalogItem[]): CatalogMemo | null {
  let m = memos.get(catalog);
  if (m === undefined) {
    m =
      Object.isFrozen(catalog) && catalog.every(isFrozenItem)
        ? { queries: new Map(), rankings: new Map() }
        : null;
    memos.set(catalog, m);
  }
  return m;
}

/** The parsed query, shared: callers here only read it. */
function sharedQuery(text: string, catalog: readonly CatalogItem[]): ParsedQuery {
  const memo = memoOf(catalog);
  if (!memo) return computeQuery(text, catalog);
  let q = memo.queries.get(text);
  if (!q) {
    memo.names ??= buildNameIndex(catalog);
    q = computeQuery(text, catalog, memo.names);
    if (text.length <= QUERY_MAX_CHARS) {
      if (memo.queries.size >= QUERIES_PER_CATALOG) memo.queries.clear();
      memo.queries.set(text, q);
    }
  }
  return q;
}

export function parseQuery(text: string, catalog: CatalogItem[]): ParsedQuery {
  const q = sharedQuery(text, catalog);
  return {
    effects: [...q.effects],
    categories: [...q.categories],
    types: [...q.types],
    maxPrice: q.maxPrice,
    minPrice: q.minPrice,
    named: q.named.map((n) => ({ item: n.item, score: n.score })),
  };
}

function firstBy(
  catalog: readonly CatalogItem[],
  keys: (i: CatalogItem) => string[],
): Map<string, CatalogItem> {
  const map = new Map<string, CatalogItem>();
  for (const i of catalog) for (const k of keys(i)) if (!map.has(k)) map.set(k, i);
  return map;
}

/** The catalog's item with this id (the first, as `find` gives it). */
export function catalogItemById(catalog: CatalogItem[], id: string): CatalogItem | undefined {
  const memo = memoOf(catalog);
  if (!memo) return catalog.find((i) => i.id === id);
  memo.byId ??= firstBy(catalog, (i) => [i.id]);
  return memo.byId.get(id);
}

/** The product a text names best, if any (used by product_details and update_draft_order). */
export function resolveProduct(text: string, catalog: CatalogItem[]): CatalogItem | undefined {
  const key = text.trim();
  const memo = memoOf(catalog);
  let byId: CatalogItem | undefined;
  if (memo) {
    memo.byIdOrSlug ??= firstBy(catalog, (i) => [i.id, i.slug]);
    byId = memo.byIdOrSlug.get(key);
  } else byId = catalog.find((i) => i.id === key || i.slug === key);
  if (byId) return byId;
  return sharedQuery(text, catalog).named[0]?.item;
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
  const parsed = sharedQuery(input.query ?? "", catalog);
  const effects = [
    ...new Set([
      ...parsed.effects,
      // (No stem is empty, so an empty effect matches nothing.)
      ...(input.effect ? matchKeys(normalizeText(input.effect), EFFECT_WORDS) : []),
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
  const matched = { names: parsed.named.map((n) => n.item.name), effects, types, categories };
  const hasFilter =
    effects.length + types.length + categories.length > 0 || maxPrice !== undefined || minPrice !== undefined;
  const inStockOnly = Boolean(input.inStockOnly);
  if (parsed.named.length > 0) {
    const top = parsed.named[0]!.score;
    const items: CatalogItem[] = [];
    // (Named items are items of this catalog: in the pool when they pass its filter.)
    for (const n of parsed.named)
      if (n.score >= top - 0.2 && inPool(n.item, inStockOnly, maxPrice, minPrice)) items.push(n.item);
    if (items.length > 0) return { items: items.slice(0, input.limit ?? 5), matched };
  }
  const memo = memoOf(catalog);
  const key = memo ? rankingKey(inStockOnly, maxPrice, minPrice, effects, types, categories) : "";
  let ranked = memo?.rankings.get(key);
  if (!ranked) {
    const pool: CatalogItem[] = [];
    for (const i of catalog) if (inPool(i, inStockOnly, maxPrice, minPrice)) pool.push(i);
    ranked = rank(pool, effects, types, categories, hasFilter);
    if (memo) {
      if (memo.rankings.size >= RANKINGS_PER_CATALOG) memo.rankings.clear();
      memo.rankings.set(key, ranked);
    }
  }
  return { items: ranked.slice(0, input.limit ?? 5), matched };
}

const RANKINGS_PER_CATALOG = 256;

/** Everything `rank` and the pool depend on besides the catalog (String keeps NaN apart from undefined). */
function rankingKey(
  inStockOnly: boolean,
  maxPrice: number | undefined,
  minPrice: number | undefined,
  effects: string[],
  types: string[],
  categories: string[],
): string {
  return JSON.stringify([inStockOnly, String(maxPrice), String(minPrice), effects, types, categories]);
}

/** Whether an item passes the stock and price filters. */
function inPool(
  i: CatalogItem,
  inStockOnly: boolean,
  maxPrice: number | undefined,
  minPrice: number | undefined,
): boolean {
  return (
    (!inStockOnly || i.inStock) &&
    (maxPrice === undefined || entryPrice(i) <= maxPrice) &&
    (minPrice === undefined || entryPrice(i) >= minPrice)
  );
}

/** The pool ranked by the filters (best first); without filters by stock, house brand, sort order. */
function rank(
  pool: CatalogItem[],
  effects: string[],
  types: string[],
  categories: string[],
  hasFilter: boolean,
): CatalogItem[] {
  return pool
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
    .sort((a, b) => b.s - a.s || a.i.sortOrder - b.i.sortOrder)
    .map((x) => x.i);
}
