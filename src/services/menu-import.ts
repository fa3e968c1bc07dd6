/**
 * Menu import: a CSV (file, text, or a Google Sheet's CSV export URL) with the seed's columns
 * replaces the catalog. Every row is validated first; if any row is bad, nothing is written and
 * each problem is reported with its line and column. Otherwise replaceCatalog writes all of it
 * in one transaction and drops the menu caches.
 */
import { readFile } from "node:fs/promises";
import { type Config, ConfigError } from "../config.js";
import { countMenuItems } from "../db/queries/catalog.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { CsvError, type CsvRecord, parseCsv } from "../lib/csv.js";
import { replaceCatalog } from "./catalog/index.js";
import type { CatalogItemInput, VariantInput } from "./catalog/types.js";
import { isAmount } from "./money.js";

export interface ImportProblem {
  /** 1-based line of the CSV (the header is line 1). */
  line: number;
  /** The column, e.g. "Price_5g", or "file" for problems with the whole file. */
  field: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  errors: ImportProblem[];
}

export type ImportStage = "parse" | "validate" | "write";
/** Called as work advances, so the CLI can draw a progress bar. */
export type ImportProgress = (stage: ImportStage, done: number, total: number) => void;

/** Largest menu accepted (rows) and largest download (bytes). */
export const MAX_MENU_ROWS = 5000;
export const MAX_MENU_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

const WEIGHT_COLUMNS = [
  ["Price_1g", "1"],
  ["Price_5g", "5"],
  ["Price_20g", "20"],
] as const;
const TYPES = ["indica", "sativa", "hybrid"];
/** Minimum order when the Min column is empty (SPEC §4: 20 g flower, 10 g hash). */
const DEFAULT_MIN: Record<string, string> = { flower: "20", hash: "10" };

// ------------------------------------------------------------------ reading a source
/** Turns a Google Sheet's editing link into its CSV export link; other URLs pass unchanged. */
export function csvExportUrl(url: string): string {
  const m = /^https:\/\/docs\.google\.com\/spreadsheets\/d\/([\w-]+)\/(?:edit|view)[^#]*(?:#gid=(\d+))?/.exec(
    url,
  );
  if (!m) return url;
  return `https://docs.google.com/spreadsheets/d/${m[1]}/export?format=csv${m[2] ? `&gid=${m[2]}` : ""}`;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Downloads a CSV over http(s), refusing anything too large or too slow. */
export async function fetchCsv(url: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(csvExportUrl(url), {
      redirect: "follow",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (e) {
    throw new AppError("BAD_REQUEST", `url: could not download the menu (${(e as Error).message})`, {
      cause: e,
    });
  }
  if (!res.ok) throw new AppError("BAD_REQUEST", `url: the menu download answered HTTP ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > MAX_MENU_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "url: the menu is larger than 5 MB");
  const body = await res.arrayBuffer();
  if (body.byteLength > MAX_MENU_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", "url: the menu is larger than 5 MB");
  return new TextDecoder("utf-8").decode(body);
}

/** Reads a menu from a file path or an http(s) URL. */
export async function readMenuSource(source: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  if (isUrl(source)) return fetchCsv(source, fetchImpl);
  try {
    return await readFile(source, "utf8");
  } catch (e) {
    throw new AppError("BAD_REQUEST", `cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
      cause: e,
    });
  }
}

// ------------------------------------------------------------------ validating rows
type Row = (column: string) => string;

class RowErrors {
  constructor(
    readonly line: number,
    readonly out: ImportProblem[],
  ) {}
  add(field: string, message: string) {
    this.out.push({ line: this.line, field, message });
  }
}

/**
 * "฿1,500" / "1 500" / "1500.00" → "1500.00"-style exact string, or undefined when not money,
 * negative, or larger than the price column holds (numeric(12,2): at most 9,999,999,999.99).
 */
function money(raw: string): string | undefined {
  let s = raw.replace(/[\s฿$€£]/g, "");
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replaceAll(",", "");
  return isAmount(s) ? s : undefined;
}

/** What a bad price cell is told. */
const PRICE_RULE = "must be a positive amount like 500 or 500.00, at most 9999999999.99";

function decimal(raw: string): string | undefined {
  const s = raw.replace(/%$/, "").trim();
  return /^\d{1,8}(\.\d{1,2})?$/.test(s) ? s : undefined;
}

function list(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[,;|]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

function bool(raw: string): boolean | undefined {
  const s = raw.trim().toLowerCase();
  if (["", "false", "no", "0", "n", "-"].includes(s)) return false;
  if (["true", "yes", "1", "y", "x", "✓", "✔"].includes(s)) return true;
  return undefined;
}

function validateRow(get: Row, err: RowErrors): CatalogItemInput | undefined {
  const before = err.out.length;
  const name = get("Name");
  if (!name) err.add("Name", "is required");
  else if (name.length > 200) err.add("Name", "must be at most 200 characters");
  const category = get("Category").toLowerCase();
  if (!category) err.add("Category", "is required");

  const typeRaw = get("Type").toLowerCase();
  if (typeRaw && !TYPES.includes(typeRaw)) err.add("Type", "must be indica, sativa or hybrid (or empty)");

  const percent = (column: string) => {
    const raw = get(column);
    if (!raw) return null;
    const v = decimal(raw);
    if (v === undefined || Number(v) > 100)
      err.add(column, `must be a percentage between 0 and 100, got "${raw}"`);
    return v ?? null;
  };
  const thc = percent("THC");
  const cbg = percent("CBG");

  const isOur = bool(get("Our"));
  if (isOur === undefined) err.add("Our", `must be yes/no (true/false), got "${get("Our")}"`);

  const priceTiers = WEIGHT_COLUMNS.flatMap(([column, grams]) => {
    const raw = get(column);
    if (!raw) return [];
    const price = money(raw);
    if (price === undefined || Number(price) <= 0) {
      err.add(column, `${PRICE_RULE}, got "${raw}"`);
      return [];
    }
    return [{ grams, price }];
  });

  const sizes = list(get("Sizes"));
  const colors = list(get("Colors"));
  const priceRaw = get("Price");
  const unitPrice = priceRaw ? money(priceRaw) : undefined;
  if (priceRaw && (unitPrice === undefined || Number(unitPrice) <= 0)) {
    err.add("Price", `${PRICE_RULE}, got "${priceRaw}"`);
  }
  const hasWeight = WEIGHT_COLUMNS.some(([c]) => get(c));
  const hasVariants = sizes.length > 0 || colors.length > 0 || Boolean(priceRaw);
  if (hasWeight && hasVariants) {
    err.add("Price", "use either Price_1g/5g/20g (weighed goods) or Price with Sizes/Colors, not both");
  } else if (!hasWeight && !hasVariants) {
    err.add("Price_1g", "a price is required: Price_1g/Price_5g/Price_20g, or Price");
  } else if (!hasWeight && !priceRaw) {
    err.add("Price", "is required for items with Sizes or Colors");
  }

  const stockRaw = get("Stock");
  let stock: string | null = null;
  let variantStock: number | null = null;
  if (stockRaw) {
    const v = decimal(stockRaw);
    if (v === undefined) err.add("Stock", `must be a non-negative number, got "${stockRaw}"`);
    else if (!hasWeight && !Number.isInteger(Number(v))) err.add("Stock", "must be a whole number of pieces");
    else if (hasWeight) stock = v;
    else variantStock = Number(v);
  }

  const minRaw = get("Min");
  const minQuantity = minRaw ? decimal(minRaw) : (DEFAULT_MIN[category] ?? "1");
  if (minQuantity === undefined || Number(minQuantity) <= 0) {
    err.add("Min", `must be a positive quantity, got "${minRaw}"`);
  }

  const description = get("Description");
  if (err.out.length > before) return undefined;

  const base = {
    name,
    category,
    type: typeRaw || null,
    thc,
    cbg,
    description: description || null,
    effects: list(get("Effects")).map((e) => e.toLowerCase()),
    flavors: list(get("Flavors")).map((f) => f.toLowerCase()),
    isOur: isOur ?? false,
    minQuantity: minQuantity ?? "1",
  };
  if (hasWeight) return { ...base, unit: "g", stock, priceTiers };
  return { ...base, unit: "pcs", variants: variantsOf(sizes, colors, unitPrice ?? "0", variantStock) };
}

/** Every size × colour combination at one price; Stock, when given, is the stock of each. */
function variantsOf(sizes: string[], colors: string[], price: string, stock: number | null): VariantInput[] {
  const s = sizes.length > 0 ? sizes : [undefined];
  const c = colors.length > 0 ? colors : [undefined];
  return s.flatMap((size) => c.map((color) => ({ size, color, price, stock })));
}

/** Normalises a header cell: case, spaces and dashes do not matter ("price 1g" = "Price_1g"). */
function headerKey(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/**
 * Validates every record; returns the catalog items, or the problems (never both).
 * Blank rows (every cell empty, as sheets export them) are skipped.
 */
export function validateMenu(
  records: CsvRecord[],
  onProgress?: ImportProgress,
): { items: CatalogItemInput[]; errors: ImportProblem[] } {
  const errors: ImportProblem[] = [];
  const [header, ...rows] = records;
  if (!header) return { items: [], errors: [{ line: 1, field: "file", message: "the file is empty" }] };
  const index = new Map(header.fields.map((h, i) => [headerKey(h), i] as const));
  for (const required of ["Name", "Category"]) {
    if (!index.has(headerKey(required)))
      errors.push({ line: header.line, field: required, message: "column is missing" });
  }
  if (![...WEIGHT_COLUMNS.map(([c]) => c), "Price"].some((c) => index.has(headerKey(c)))) {
    errors.push({
      line: header.line,
      field: "Price_1g",
      message: "no price column (Price_1g, Price_5g, Price_20g or Price)",
    });
  }
  if (errors.length > 0) return { items: [], errors };

  const dataRows = rows.filter((r) => r.fields.some((f) => f.trim() !== ""));
  if (dataRows.length === 0)
    return { items: [], errors: [{ line: header.line, field: "file", message: "no menu rows" }] };
  if (dataRows.length > MAX_MENU_ROWS) {
    return {
      items: [],
      errors: [{ line: header.line, field: "file", message: `more than ${MAX_MENU_ROWS} rows` }],
    };
  }

  const items: CatalogItemInput[] = [];
  const seen = new Map<string, number>();
  for (const [n, record] of dataRows.entries()) {
    const get: Row = (column) => {
      const i = index.get(headerKey(column));
      return i === undefined ? "" : (record.fields[i] ?? "").trim();
    };
    const item = validateRow(get, new RowErrors(record.line, errors));
    if (item) {
      const key = item.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined)
        errors.push({ line: record.line, field: "Name", message: `duplicate of line ${first}` });
      else seen.set(key, record.line);
      items.push(item);
    }
    onProgress?.("validate", n + 1, dataRows.length);
  }
  return errors.length > 0 ? { items: [], errors } : { items, errors };
}

// ------------------------------------------------------------------ the import
type ImportDeps = Pick<Deps, "db" | "cache" | "clock">;

/** Parses, validates and (only when every row is valid) replaces the catalog in one transaction. */
export async function importMenuCsv(
  deps: ImportDeps,
  csv: string,
  onProgress?: ImportProgress,
): Promise<ImportResult> {
  let records: CsvRecord[];
  try {
    onProgress?.("parse", 0, 1);
    records = parseCsv(csv);
    onProgress?.("parse", 1, 1);
  } catch (e) {
    if (e instanceof CsvError)
      return { imported: 0, errors: [{ line: e.line, field: "file", message: e.message }] };
    throw e;
  }
  const { items, errors } = validateMenu(records, onProgress);
  if (errors.length > 0) return { imported: 0, errors };
  onProgress?.("write", 0, items.length);
  const imported = await replaceCatalog(deps, items);
  onProgress?.("write", items.length, items.length);
  return { imported, errors: [] };
}

/** Imports from a file path or URL (the CLI and MENU_SOURCE). */
export async function importMenuFrom(
  deps: ImportDeps,
  source: string,
  opts: { onProgress?: ImportProgress; fetchImpl?: typeof fetch } = {},
): Promise<ImportResult> {
  return importMenuCsv(deps, await readMenuSource(source, opts.fetchImpl), opts.onProgress);
}

/** Formats problems one per line: "line 7, Price_5g: must be a positive amount…". */
export function formatProblems(errors: ImportProblem[]): string {
  return errors.map((e) => `line ${e.line}, ${e.field}: ${e.message}`).join("\n");
}

/**
 * First start with MENU_SOURCE set: the menu comes from there instead of the demo catalog. A
 * menu that cannot be read or has bad rows stops the start, naming the variable and the rows.
 */
export async function importMenuSourceIfEmpty(
  deps: ImportDeps & { config: Pick<Config, "menuSource"> },
  opts: { fetchImpl?: typeof fetch } = {},
): Promise<number> {
  const source = deps.config.menuSource;
  if (!source || (await countMenuItems(deps.db)) > 0) return 0;
  let result: ImportResult;
  try {
    result = await importMenuFrom(deps, source, opts);
  } catch (e) {
    throw new ConfigError([`MENU_SOURCE: ${(e as Error).message}`]);
  }
  if (result.errors.length > 0) {
    throw new ConfigError(
      result.errors.slice(0, 20).map((e) => `MENU_SOURCE line ${e.line}, ${e.field}: ${e.message}`),
    );
  }
  return result.imported;
}
