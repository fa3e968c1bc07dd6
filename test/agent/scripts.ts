/**
 * Scripted customers in the four languages, each ending in a known outcome. Expected figures are
 * computed from the catalog in the database (never typed in), so the checks follow the data.
 */
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { TurnResult } from "../../src/agent/turn.js";
import { notifications, orders } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { listCatalog } from "../../src/services/catalog/index.js";
import type { CatalogItem } from "../../src/services/catalog/types.js";
import { formatMoney } from "../../src/services/money.js";
import { quote } from "../../src/services/pricing.js";
import { getSettings, type Language } from "../../src/services/settings.js";
import { customer } from "./support.js";

export interface Script {
  language: Language;
  /** Recommendation request and the catalog effect it must match. */
  recommend: [text: string, effect: string];
  /** Price question about this product. */
  price: [text: string, product: string];
  /** An order below the minimum, then the fix, the fields and the confirmation. */
  order: {
    product: string;
    tooLittle: string;
    enough: string;
    grams: string;
    phone: string;
    address: string;
    payment: string;
    yes: string;
  };
  human: string;
  thanks: string;
}

export const SCRIPTS: Script[] = [
  {
    language: "ru",
    recommend: ["Посоветуй что-то для расслабления", "relaxing"],
    price: ["Сколько стоит OG Kush?", "OG Kush"],
    order: {
      product: "OG Kush",
      tooLittle: "Хочу заказать 10 г OG Kush",
      enough: "Давайте 20 г",
      grams: "20",
      phone: "+66 81 234 5678",
      address: "Отель Patong Beach, номер 12",
      payment: "наличные",
      yes: "да",
    },
    human: "Позовите, пожалуйста, менеджера",
    thanks: "Спасибо, отличный сервис!",
  },
  {
    language: "en",
    recommend: ["Can you recommend something for sleep?", "sleepy"],
    price: ["How much is Granddaddy Purple?", "Granddaddy Purple"],
    order: {
      product: "Lebanese Gold",
      tooLittle: "I want to order 5g of Lebanese Gold",
      enough: "ok, make it 10g",
      grams: "10",
      phone: "my phone is +66812345678",
      address: "deliver to Hilton Hotel room 404",
      payment: "I'll pay with crypto",
      yes: "yes",
    },
    human: "Can I talk to a real person please?",
    thanks: "Thanks, great service!",
  },
  {
    language: "uk",
    recommend: ["Порадьте щось для сну", "sleepy"],
    price: ["Скільки коштує Northern Lights?", "Northern Lights"],
    order: {
      product: "Northern Lights",
      tooLittle: "Хочу замовити 5 г Northern Lights",
      enough: "Добре, тоді 20 г",
      grams: "20",
      phone: "Мій телефон +380 67 123 4567",
      address: "Готель Kata Palm, кімната 7",
      payment: "готівка",
      yes: "так",
    },
    human: "Покличте менеджера, будь ласка",
    thanks: "Дякую, чудовий сервіс!",
  },
  {
    language: "th",
    recommend: ["แนะนำอะไรผ่อนคลายหน่อย", "relaxing"],
    price: ["ราคา Gelato เท่าไหร่", "Gelato"],
    order: {
      product: "Gelato",
      tooLittle: "อยากสั่ง Gelato 5 กรัม",
      enough: "งั้นเอา 20 กรัม",
      grams: "20",
      phone: "เบอร์ 0812345678",
      address: "ที่อยู่ โรงแรม Patong ห้อง 5",
      payment: "โอนเงิน",
      yes: "ใช่",
    },
    human: "ขอคุยกับพนักงานหน่อย",
    thanks: "ขอบคุณมาก บริการดีมาก",
  },
];

const SCRIPT_CHARS: Record<Language, RegExp> = {
  ru: /[а-яё]/i,
  uk: /[а-яієїґ]/i,
  // No Cyrillic, no Thai letters (the baht sign ฿ U+0E3F sits in the Thai block).
  en: /^[^\u0400-\u04ff\u0e00-\u0e3e\u0e40-\u0e7f]*$/u,
  th: /[\u0e01-\u0e3a\u0e40-\u0e5b]/,
};

function byName(catalog: CatalogItem[], name: string): CatalogItem {
  const item = catalog.find((i) => i.name === name);
  if (!item) throw new Error(`no ${name} in the catalog`);
  return item;
}

/** Runs the whole script on one deps and checks every outcome against the database. */
export async function runScript(deps: Deps, s: Script): Promise<{ results: TurnResult[] }> {
  const catalog = await listCatalog(deps);
  const settings = await getSettings(deps);
  const names = new Set(catalog.map((i) => i.name));
  const c = await customer(deps);
  const results: TurnResult[] = [];
  const say = async (t: string) => {
    const r = await c.say(t);
    results.push(r);
    expect(r.language, `language of "${t}"`).toBe(s.language);
    expect(r.content, `reply to "${t}" is in ${s.language}`).toMatch(SCRIPT_CHARS[s.language]);
    return r;
  };

  // 1. A recommendation of real products with the asked effect.
  const rec = await say(s.recommend[0]);
  expect(rec.suggestedProducts.length).toBeGreaterThan(0);
  for (const n of rec.suggestedProducts) {
    expect(names.has(n)).toBe(true);
    expect(byName(catalog, n).effects).toContain(s.recommend[1]);
  }
  expect(rec.productCards.map((p) => p.name)).toEqual(rec.suggestedProducts);

  // 2. A price answer with the catalog's figures.
  const priced = byName(catalog, s.price[1]);
  const pr = await say(s.price[0]);
  for (const tier of priced.prices) expect(pr.content).toContain(formatMoney(tier.price, settings.currency));
  expect(pr.suggestedProducts).toContain(priced.name);

  // 3. Below the minimum: refused, no order.
  const item = byName(catalog, s.order.product);
  const low = await say(s.order.tooLittle);
  expect(low.orderNumber).toBeUndefined();
  expect(low.content).toContain(String(Number(item.minQuantity)));

  // 4. The order: fields one by one, a summary with the server total, then the confirmation.
  await say(s.order.enough);
  await say(s.order.phone);
  await say(s.order.address);
  const summary = await say(s.order.payment);
  const expected = quote(catalog, [{ productId: item.id, quantity: s.order.grams }], {
    deliveryFee: settings.deliveryFee,
    currency: settings.currency,
  });
  expect(expected.problems).toEqual([]);
  expect(summary.content).toContain(formatMoney(expected.total, settings.currency));
  expect(summary.orderNumber).toBeUndefined();
  const done = await say(s.order.yes);
  expect(done.orderNumber).toMatch(/^OG\d{6}-\d{3}$/);
  expect(done.notificationSent).toBe(true);
  const [order] = await deps.db.select().from(orders).where(eq(orders.orderNumber, done.orderNumber!));
  expect(order?.userProfileId).toBe(c.profile.id);
  expect(order?.totalAmount).toBe(expected.total);
  expect(order?.subtotal).toBe(expected.subtotal);
  expect(order?.items).toEqual(expected.lines);
  expect(order?.deliveryAddress?.length).toBeGreaterThan(3);

  // 5. A human, then thanks.
  const human = await say(s.human);
  expect(human.notificationSent).toBe(true);
  const thanks = await say(s.thanks);
  expect(thanks.notificationSent).toBe(true);

  const kinds = await deps.db
    .select({ type: notifications.type, payload: notifications.payload })
    .from(notifications)
    .where(eq(notifications.conversationId, done.conversationId));
  const types = kinds.map((k) => k.type).sort();
  expect(types).toEqual(["feedback", "order", "staff_question", "wish"]);
  const orderNote = kinds.find((k) => k.type === "order")!;
  expect(orderNote.payload.total).toBe(expected.total);
  expect(orderNote.payload.orderNumber).toBe(done.orderNumber);
  return { results };
}
