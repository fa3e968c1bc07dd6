/**
 * What the assistant's pure code works out once and keeps (per catalog array, per input text):
 * the same answers as working everything out each time, and nothing kept past a change.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { detectIntents } from "../../src/agent/intent.js";
import {
  CONFIRM_WORDS,
  EFFECT_WORDS,
  GREETING_WORDS,
  hasAny,
  hasStem,
  KNOWLEDGE_WORDS,
  matchKeys,
  normalizeText,
  PAYMENT_WORDS,
} from "../../src/agent/lexicon.js";
import { contentChars, createOfflineModel, toBrainInput } from "../../src/agent/models/offline.js";
import { decide } from "../../src/agent/offline/brain.js";
import { extractMentions } from "../../src/agent/products.js";
import { buildSystemPrompt, type PromptInput } from "../../src/agent/prompt.js";
import {
  catalogItemById,
  editDistanceWithin,
  parseQuery,
  resolveProduct,
  searchCatalog,
} from "../../src/agent/search.js";
import { emptyState } from "../../src/agent/state.js";
import { deepFreeze } from "../../src/cache/values.js";
import type { CatalogItem } from "../../src/services/catalog/types.js";
import { DEFAULT_SETTINGS } from "../../src/services/settings.js";
import { demoCatalogItems } from "../helpers/catalog.js";

/** A catalog as the cache hands it out: one deep-frozen array. */
const cachedCatalog = (edit?: (items: CatalogItem[]) => void) => {
  const items = demoCatalogItems();
  edit?.(items);
  return deepFreeze(items);
};
const byName = (c: CatalogItem[], name: string) => c.find((i) => i.name === name)!;

/** Free text built from product names, lexicon words and odd characters. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...demoCatalogItems().map((i) => i.name)),
      fc.constantFrom("gelatto", "огкуш", "sativa", "relax", "hash", "under 500", "from 300 baht", "yes"),
      fc.constantFrom("\u212a", "\u017f", "İ", "ё", "😀", "\ud800", "-", "\n", "  "),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 6 },
  )
  .map((xs) => xs.join(" "));

describe("catalog search memo", () => {
  test("is per catalog array: a new catalog is searched afresh", () => {
    const a = cachedCatalog();
    expect(resolveProduct("some gelato", a)).toBe(byName(a, "Gelato"));
    const b = cachedCatalog((items) => {
      byName(items, "Gelato").name = "Sorbet";
    });
    expect(resolveProduct("some gelato", b)).toBeUndefined();
    expect(resolveProduct("some sorbet", b)).toBe(byName(b, "Sorbet"));
    expect(parseQuery("some gelato", a).named[0]?.item).toBe(byName(a, "Gelato"));
  });

  test("a catalog that is not frozen is never memoized", () => {
    const c = demoCatalogItems();
    expect(resolveProduct("mango sorbet", c)).toBeUndefined();
    c.push({ ...byName(c, "Mango Kush"), id: "new", slug: "mango-sorbet", name: "Mango Sorbet" });
    expect(resolveProduct("mango sorbet", c)?.id).toBe("new");

    const first = searchCatalog(c, { query: "", limit: 1 }).items[0]!;
    first.inStock = false;
    first.isOur = false;
    expect(searchCatalog(c, { query: "", limit: 1 }).items[0]).not.toBe(first);
    expect(searchCatalog(c, { query: "", inStockOnly: true }).items).not.toContain(first);
  });

  test("ids and slugs resolve to the first item that has them, frozen or not", () => {
    const edit = (items: CatalogItem[]) => {
      items[5]!.slug = items[3]!.id; // p3
      items[7]!.id = items[2]!.slug; // granddaddy-purple
      items[9]!.id = "p4";
    };
    const frozen = cachedCatalog(edit);
    const plain = demoCatalogItems();
    edit(plain);
    for (const c of [frozen, plain]) {
      expect(resolveProduct(" p3 ", c)).toBe(c[3]);
      expect(resolveProduct("granddaddy-purple", c)).toBe(c[2]);
      expect(resolveProduct("p4", c)).toBe(c[4]);
      expect(resolveProduct("wedding-cake", c)).toBe(c[7]);
      expect(catalogItemById(c, "p4")).toBe(c[4]);
      expect(catalogItemById(c, "granddaddy-purple")).toBe(c[7]);
      expect(catalogItemById(c, "nope")).toBeUndefined();
    }
  });

  test("parseQuery hands out its own copy", () => {
    const c = cachedCatalog();
    const q = parseQuery("OG Kush for relaxing", c);
    q.named.length = 0;
    q.effects.push("sleepy");
    const again = parseQuery("OG Kush for relaxing", c);
    expect(again.named[0]?.item.name).toBe("OG Kush");
    expect(again.effects).toEqual(["relaxing"]);
  });

  test("rankings are kept per catalog, per in-stock choice and per filter", () => {
    const c = cachedCatalog((items) => {
      byName(items, "Purple Haze").inStock = false;
    });
    const haze = byName(c, "Purple Haze");
    for (const inStockOnly of [false, true, false, true]) {
      const items = searchCatalog(c, { query: "", inStockOnly, limit: 30 }).items;
      expect(items).toHaveLength(inStockOnly ? 25 : 26);
      expect(items.includes(haze)).toBe(!inStockOnly);
    }
    expect(searchCatalog(c, { maxPrice: Number.NaN }).items).toEqual([]);
    expect(searchCatalog(c, { maxPrice: undefined }).items).toHaveLength(5);
    expect(searchCatalog(c, { query: "sativa" }).items.every((i) => i.type === "sativa")).toBe(true);
    expect(searchCatalog(c, { query: "indica" }).items.every((i) => i.type === "indica")).toBe(true);
  });

  test("a frozen catalog gives what the same catalog unfrozen gives", () => {
    const stock = (items: CatalogItem[]) => {
      for (const i of items) i.inStock = Number(i.id.slice(1)) % 3 !== 0;
    };
    const frozen = cachedCatalog(stock);
    const plain = demoCatalogItems();
    stock(plain);
    const ids = (r: ReturnType<typeof searchCatalog>) => ({ ...r, items: r.items.map((i) => i.id) });
    fc.assert(
      fc.property(
        fc.record(
          {
            query: text,
            effect: fc.constantFrom("relaxing", "sleepy", "nope"),
            type: fc.constantFrom("indica", "sativa"),
            category: fc.constantFrom("flower", "hash"),
            maxPrice: fc.integer({ min: 100, max: 2000 }),
            inStockOnly: fc.boolean(),
            limit: fc.integer({ min: 0, max: 8 }),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          // twice: the second answer comes from the memo
          for (let k = 0; k < 2; k++) {
            expect(ids(searchCatalog(frozen, input))).toEqual(ids(searchCatalog(plain, input)));
            expect(resolveProduct(input.query ?? "", frozen)?.id).toBe(
              resolveProduct(input.query ?? "", plain)?.id,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a big catalog's name index names what scoring every product names", () => {
    const words = [
      "og",
      "kush",
      "purple",
      "haze",
      "the",
      "of",
      "gelato",
      "ice",
      "mango",
      "пурпл",
      "x",
      "420",
    ];
    const more = [
      "kushy",
      "haz",
      "prpl",
      "ab",
      "sour",
      "diesel",
      "gelatto",
      "!!!",
      "blue",
      "dream",
      "northern",
    ];
    // two edits and two letters away; the same skeleton but far longer
    const typos = ["nrthrn", "northernly", "puurrrpppllle", "kuuuushhh", "gggelllatooo"];
    const names = fc.sample(
      fc.array(fc.constantFrom(...words, ...more), { maxLength: 4 }).map((ws) => ws.join(" ")),
      { numRuns: 300, seed: 3 },
    );
    const plain = names.map((name, i) => ({ ...demoCatalogItems()[i % 26]!, id: `b${i}`, name }));
    const frozen = deepFreeze(structuredClone(plain));
    const t = fc
      .array(
        fc.oneof(
          fc.constantFrom(...words, ...more, ...typos, ...names.slice(0, 30)),
          fc.string({ maxLength: 4 }),
        ),
        {
          maxLength: 6,
        },
      )
      .map((xs) => xs.join(" "));
    const named = (q: ReturnType<typeof parseQuery>) => q.named.map((n) => [n.item.id, n.score]);
    fc.assert(
      fc.property(t, (x) => {
        expect(named(parseQuery(x, frozen))).toEqual(named(parseQuery(x, plain)));
      }),
      { numRuns: 1500 },
    );
  });

  test("editDistanceWithin is the Levenshtein distance compared with the bound", () => {
    const levenshtein = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++)
          d[i]![j] = Math.min(
            d[i - 1]![j]! + 1,
            d[i]![j - 1]! + 1,
            d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
      return d[a.length]![b.length]!;
    };
    const word = fc.string({ unit: fc.constantFrom("a", "b", "k", "u", "s", "h"), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(editDistanceWithin(a, b, max)).toBe(levenshtein(a, b) <= max);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("lexicon", () => {
  test("hasStem matches at word starts exactly as the regex rule says", () => {
    const reference = (t: string, stem: string) => {
      if (/[\u0e00-\u0e7f]/.test(stem)) return t.includes(stem);
      for (let i = t.indexOf(stem); i >= 0; i = t.indexOf(stem, i + 1)) {
        const before = i === 0 ? "" : t[i - 1]!;
        const after = t[i + stem.length] ?? "";
        const startOk = before === "" || !/[\p{L}\p{N}]/u.test(before);
        const endOk = stem.length > 3 || stem.endsWith(" ") || after === "" || !/[\p{L}\p{N}]/u.test(after);
        if (startOk && endOk) return true;
      }
      return false;
    };
    const stem = fc.constantFrom("да", "ok", "ok ", "relax", "нал", "take ", "สด", "thc คือ", "k", "é");
    const t = fc
      .array(fc.oneof(stem, fc.constantFrom(" ", "x", "1", "-", "ё", "😀", "\udc00", "é", "ก")), {
        maxLength: 8,
      })
      .map((xs) => xs.join(""));
    fc.assert(
      fc.property(t, stem, (s, st) => {
        expect(hasStem(s, st)).toBe(reference(s, st));
      }),
      { numRuns: 3000 },
    );
  });

  test("lists and tables match as their stems do one by one", () => {
    const words = [
      ...CONFIRM_WORDS,
      ...GREETING_WORDS,
      ...Object.values(EFFECT_WORDS).flat(),
      ...Object.values(KNOWLEDGE_WORDS).flat(),
      ...Object.values(PAYMENT_WORDS).flat(),
    ];
    const t = fc
      .array(fc.oneof(fc.constantFrom(...words), fc.constantFrom(" ", "x", "-", "ё", "ก", "1", "😀")), {
        maxLength: 8,
      })
      .map((xs) => xs.join(""));
    const keysOf = (x: string, table: Readonly<Record<string, readonly string[]>>) =>
      Object.keys(table).filter((k) => table[k]!.some((stem) => hasStem(x, stem)));
    fc.assert(
      fc.property(t, (x) => {
        expect(hasAny(x, CONFIRM_WORDS)).toBe(CONFIRM_WORDS.some((stem) => hasStem(x, stem)));
        expect(hasAny(x, GREETING_WORDS)).toBe(GREETING_WORDS.some((stem) => hasStem(x, stem)));
        expect(matchKeys(x, EFFECT_WORDS)).toEqual(keysOf(x, EFFECT_WORDS));
        expect(matchKeys(x, KNOWLEDGE_WORDS)).toEqual(keysOf(x, KNOWLEDGE_WORDS));
        expect(matchKeys(x, PAYMENT_WORDS)).toEqual(keysOf(x, PAYMENT_WORDS));
      }),
      { numRuns: 2000 },
    );
  });

  test("a list or table that is not frozen is read afresh every time", () => {
    const list = ["relax"];
    expect(hasAny("chill out", list)).toBe(false);
    list.push("chill");
    expect(hasAny("chill out", list)).toBe(true);
    const table: Record<string, string[]> = { calm: ["relax"] };
    expect(matchKeys("chill out", table)).toEqual([]);
    table.calm!.push("chill");
    table.party = ["out"];
    expect(matchKeys("chill out", table)).toEqual(["calm", "party"]);
  });

  test("normalizeText gives the same for a repeated input, short or long", () => {
    const long = `  Hello\tЁЖ  ${"x ".repeat(800)}`;
    for (const s of [long, long, "  Ёлка  Палка ", "  Ёлка  Палка "]) {
      expect(normalizeText(s)).toBe(s.toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim());
    }
  });

  test("detectIntents hands out its own copy", () => {
    const a = detectIntents("hi, what are your opening hours?");
    expect(a.hours).toBe(true);
    a.hours = false;
    a.greeting = !a.greeting;
    const b = detectIntents("hi, what are your opening hours?");
    expect(b.hours).toBe(true);
    expect(b.greeting).toBe(!a.greeting);
  });
});

describe("product mentions", () => {
  /** The rule without the prefilter: every name's regex over the text, longest name first. */
  const reference = (t: string, catalog: CatalogItem[]) => {
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const found: Array<{ item: CatalogItem; at: number }> = [];
    let rest = t;
    for (const item of [...catalog].sort((a, b) => b.name.length - a.name.length)) {
      const m = new RegExp(`(^|[^\\p{L}\\p{N}])${esc(item.name)}(?=$|[^\\p{L}\\p{N}])`, "iu").exec(rest);
      if (!m) continue;
      const at = m.index + m[1]!.length;
      found.push({ item, at });
      rest = rest.slice(0, at) + " ".repeat(item.name.length) + rest.slice(at + item.name.length);
    }
    return found.sort((a, b) => a.at - b.at).map((f) => f.item);
  };

  test("letters that fold to ASCII letters (Kelvin sign, long s) still name a product", () => {
    const c = cachedCatalog();
    expect(extractMentions("Try OG \u212aUSH tonight", c)).toEqual([byName(c, "OG Kush")]);
    expect(extractMentions("og ku\u017fh or gelato?", c)).toEqual([
      byName(c, "OG Kush"),
      byName(c, "Gelato"),
    ]);
    expect(extractMentions("PRE-ROLL PURPLE HAZE, not purple hazel", c)).toEqual([
      byName(c, "Pre-roll Purple Haze"),
    ]);
  });

  test("names next to non-ASCII letters or without ASCII letters are found as the regex finds them", () => {
    const pieces = ["Kush", "OG", "Ёgelato", "Café", "™", "#33", "Ice-O-Lator", "пурпл", "\u212aush", "Haze"];
    const more = ["s", "\u017f", "İce", "x1", "—", " ", "-", "(", "Straße", "ΣΟΦΙΑ"];
    const names = [
      // a key run ending or starting next to a letter that lower-cases or folds to ASCII
      "Kush\u212a",
      "Hazeİce",
      "\u017fOG",
      ...fc.sample(
        fc
          .array(fc.constantFrom(...pieces, ...more), { minLength: 1, maxLength: 4 })
          .map((xs) => xs.join(xs.length % 2 ? " " : "")),
        { numRuns: 40, seed: 11 },
      ),
    ];
    const c = deepFreeze(names.map((name, i) => ({ ...demoCatalogItems()[0]!, id: `o${i}`, name })));
    const t = fc
      .array(
        fc.oneof(
          fc.constantFrom(...names),
          fc.constantFrom(...names).map((n) => n.toUpperCase()),
          fc
            .constantFrom(...names)
            .map((n) => n.toLowerCase().replace(/k/g, "\u212a").replace(/s/g, "\u017f")),
          fc.constantFrom(...pieces, ...more),
        ),
        { maxLength: 8 },
      )
      .map((xs) => xs.join(""));
    fc.assert(
      fc.property(t, (x) => {
        expect(extractMentions(x, c)).toEqual(reference(x, c));
      }),
      { numRuns: 2000 },
    );
  });

  test("are what every name's regex finds", () => {
    const c = cachedCatalog();
    fc.assert(
      fc.property(text, (t) => {
        expect(extractMentions(t, c)).toEqual(reference(t, c));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("prompt", () => {
  const input = (catalog: CatalogItem[], currency: string): PromptInput => ({
    settings: { ...DEFAULT_SETTINGS, currency },
    state: emptyState(),
    language: "en",
    openNow: true,
    contextParagraph: "",
    catalog,
    useStock: false,
    userText: "how much is gelato",
  });
  const gelatoLine = (p: string) => p.split("\n").find((l) => l.startsWith("- Gelato ["));

  test("product lines follow the currency and the items of a catalog that can change", () => {
    const c = cachedCatalog();
    expect(gelatoLine(buildSystemPrompt(input(c, "฿")))).toContain("฿");
    expect(gelatoLine(buildSystemPrompt(input(c, "USD")))).toContain("USD");
    expect(gelatoLine(buildSystemPrompt(input(c, "USD")))).not.toContain("฿");

    const plain = demoCatalogItems();
    const before = gelatoLine(buildSystemPrompt(input(plain, "฿")));
    byName(plain, "Gelato").inStock = false;
    byName(plain, "Gelato").prices[0]!.price = "12345.00";
    const after = gelatoLine(buildSystemPrompt(input(plain, "฿")));
    expect(before).not.toContain("OUT OF STOCK");
    expect(after).toContain("OUT OF STOCK");
    expect(after).toContain("12,345");
  });

  test("the offline assistant reads each prompt's own facts", () => {
    const c = cachedCatalog();
    const greet = (greeting: string) => {
      const p = buildSystemPrompt({
        ...input(c, "฿"),
        settings: { ...DEFAULT_SETTINGS, greetings: { ...DEFAULT_SETTINGS.greetings, en: greeting } },
      });
      return decide({ system: `${p}\n`, messages: [{ role: "user", text: "hello" }] });
    };
    expect(greet("Hi from A")).toEqual({ kind: "text", text: "Hi from A" });
    expect(greet("Hi from A")).toEqual({ kind: "text", text: "Hi from A" });
    expect(greet("Hi from B")).toEqual({ kind: "text", text: "Hi from B" });
  });
});

describe("offline model usage", () => {
  test("counts a message's content as the length of its JSON", () => {
    const part = fc.oneof(
      fc.record({ type: fc.constant("text"), text: fc.string({ unit: "binary", maxLength: 30 }) }),
      fc.record({
        type: fc.constant("text"),
        text: fc.string({ maxLength: 10 }),
        providerOptions: fc.constantFrom(undefined, { a: { b: 1 } }),
      }),
      fc.record({ text: fc.string({ maxLength: 10 }), type: fc.constant("text") }),
      fc.record({ type: fc.constant("tool-call"), toolName: fc.string(), input: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.array(part, { maxLength: 3 })), (content) => {
        const expected = typeof content === "string" ? content.length : JSON.stringify(content).length;
        expect(contentChars(content)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    for (const t of ["x\ud800y", "\udc00", "😀\ud83d", "tab\there", "\u007f\u2028"]) {
      expect(contentChars([{ type: "text", text: t }])).toBe(
        JSON.stringify([{ type: "text", text: t }]).length,
      );
    }
    expect(contentChars([{ type: "text", text: 'a "quoted"\nline\u0001 \ud800 😀' }])).toBe(
      JSON.stringify([{ type: "text", text: 'a "quoted"\nline\u0001 \ud800 😀' }]).length,
    );
  });

  test("answers from the customer's latest message and what came after it, whatever the history", async () => {
    const c = cachedCatalog();
    const system = buildSystemPrompt({
      settings: DEFAULT_SETTINGS,
      state: { ...emptyState(), phase: "ordering", selectedProducts: ["p6"] },
      language: "en",
      openNow: false,
      contextParagraph: "",
      catalog: c,
      useStock: false,
      userText: "gelato",
    });
    const said = (role: "user" | "assistant", t: string) => ({
      role,
      content: [{ type: "text" as const, text: t }],
    });
    const called = [
      {
        role: "assistant" as const,
        content: [{ type: "tool-call" as const, toolCallId: "t1", toolName: "notify_staff", input: {} }],
      },
      {
        role: "tool" as const,
        content: [
          {
            type: "tool-result" as const,
            toolCallId: "t1",
            toolName: "notify_staff",
            output: { type: "json" as const, value: { notified: true, shopOpenNow: false } },
          },
        ],
      },
    ];
    const message = fc.oneof(
      fc
        .constantFrom("yes", "cash", "I want 20g of Gelato", "talk to a human", "hi")
        .map((t) => [said("user", t)]),
      fc.constantFrom("Got it", "Which one?").map((t) => [said("assistant", t)]),
      fc.constant(called),
      fc.constant([{ role: "system" as const, content: "Be brief." }]),
    );
    const model = createOfflineModel();
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 8 }), async (messages) => {
        const prompt = [{ role: "system" as const, content: system }, ...messages.flat()];
        const r = await model.doGenerate({ prompt });
        const expected = decide(toBrainInput(prompt));
        const got =
          r.content[0]?.type === "text"
            ? { kind: "text", text: r.content[0].text }
            : {
                kind: "tools",
                calls: r.content.map((p) =>
                  p.type === "tool-call" ? { name: p.toolName, input: JSON.parse(p.input) } : p,
                ),
              };
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
