/** Language detection, catalog search, order-field parsing and trace cost: the pure parts. */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { parsePhone, parseQuantity } from "../../src/agent/fields.js";
import { detectIntents, isConfirmation } from "../../src/agent/intent.js";
import { detectLanguage } from "../../src/agent/language.js";
import { resolveProduct, searchCatalog } from "../../src/agent/search.js";
import type { CatalogItem } from "../../src/services/catalog/types.js";
import { costOf } from "../../src/services/traces.js";
import { demoCatalogItems } from "../helpers/catalog.js";

let catalog: CatalogItem[];
beforeAll(() => {
  catalog = demoCatalogItems();
});

describe("language", () => {
  test.each([
    ["Посоветуй что-то для расслабления", "ru"],
    ["Порадьте щось для сну", "uk"],
    ["Скільки коштує Northern Lights?", "uk"],
    ["Отель Patong Beach, номер 12", "ru"],
    ["แนะนำอะไรผ่อนคลายหน่อย", "th"],
    ["อยากสั่ง Gelato 20 กรัม", "th"],
    ["What do you have for sleep?", "en"],
    ["Что есть из гашиша?", "ru"],
    ["Що є з гашишу?", "uk"],
  ])("%s → %s", (text, lang) => {
    expect(detectLanguage(text, "en")).toBe(lang);
  });

  test("short or neutral messages keep the conversation's language", () => {
    for (const t of ["20", "+66 81 234 5678", "ok?", "👍"]) expect(detectLanguage(t, "th")).toBe("th");
    expect(detectLanguage("ок", "uk")).toBe("uk");
  });
});

describe("catalog search", () => {
  test.each([
    ["расслабление", "relaxing"],
    ["что-нибудь для сна", "sleepy"],
    ["ผ่อนคลาย", "relaxing"],
    ["щось для енергії", "energizing"],
    ["something creative", "creative"],
  ])("%s finds products with %s", (q, effect) => {
    const r = searchCatalog(catalog, { query: q });
    expect(r.items.length).toBeGreaterThan(0);
    for (const i of r.items) expect(i.effects).toContain(effect);
  });

  test.each([
    ["огкуш", "OG Kush"],
    ["ог куш", "OG Kush"],
    ["gelatto", "Gelato"],
    ["Грендедди Пёрпл", "Granddaddy Purple"],
    ["northen lights please", "Northern Lights"],
    ["jack herrer", "Jack Herer"],
  ])("%s names %s", (q, name) => {
    expect(resolveProduct(q, catalog)?.name).toBe(name);
  });

  test("types, categories and a price limit", () => {
    expect(searchCatalog(catalog, { query: "индика" }).items.every((i) => i.type === "indica")).toBe(true);
    expect(searchCatalog(catalog, { query: "гашиш" }).items.every((i) => i.category === "hash")).toBe(true);
    const cheap = searchCatalog(catalog, { query: "sativa under 450" }).items;
    expect(cheap.length).toBeGreaterThan(0);
    for (const i of cheap) expect(Math.min(...i.prices.map((p) => Number(p.price)))).toBeLessThanOrEqual(450);
  });
});

describe("order fields", () => {
  test("quantities with units in four languages", () => {
    expect(parseQuantity("20g")).toBe("20");
    expect(parseQuantity("20 г")).toBe("20");
    expect(parseQuantity("2,5 грамма")).toBe("2.5");
    expect(parseQuantity("20 กรัม")).toBe("20");
    expect(parseQuantity("-3")).toBeUndefined();
    expect(parseQuantity("0")).toBeUndefined();
  });

  test("parsers never throw and keep their promises on any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const q = parseQuantity(s);
        if (q !== undefined) expect(Number(q)).toBeGreaterThan(0);
        const p = parsePhone(s);
        if (p !== undefined) {
          const digits = p.replace(/\D/g, "").length;
          expect(digits).toBeGreaterThanOrEqual(8);
          expect(digits).toBeLessThanOrEqual(15);
        }
        detectLanguage(s, "en");
        detectIntents(s);
      }),
    );
  });

  test("confirmation is explicit", () => {
    for (const yes of ["yes", "Да", "так", "ใช่", "yes, confirm"]) expect(isConfirmation(yes)).toBe(true);
    for (const no of ["no", "нет, измени адрес", "what is the total?", "yes but change the address no"]) {
      expect(isConfirmation(no)).toBe(false);
    }
  });
});

describe("trace cost", () => {
  test("priced exactly from the table; unknown and offline models are free", () => {
    expect(costOf("gpt-4o-mini", 1_000_000, 0)).toBe("0.150000");
    expect(costOf("gpt-4o-mini", 1200, 80)).toBe("0.000228");
    expect(costOf("gpt-4o-2024-08-06", 1000, 1000)).toBe("0.012500");
    expect(costOf("offline-assistant", 5000, 5000)).toBe("0.000000");
    expect(costOf("llama3.1:8b", 5000, 5000)).toBe("0.000000");
  });
});
