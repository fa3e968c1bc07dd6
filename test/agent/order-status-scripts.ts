/**
 * "Where is my order?" in the four languages, after an order placed in the same conversation:
 * the reply names the order's number and the server's status in the customer's language, follows
 * a status staff changed through the service, raises no staff notification, and never shows
 * another customer's order. Shared by the offline assistant's tests and the fake-LLM ones.
 */
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { ORDER_STATUS_LABEL, T } from "../../src/agent/offline/templates.js";
import { llmTraces, notifications, orders } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { changeOrderStatus } from "../../src/services/orders/status.js";
import type { Language } from "../../src/services/settings.js";
import { SCRIPTS } from "./scripts.js";
import { customer } from "./support.js";

export interface StatusScript {
  language: Language;
  /** Asks without a number. */
  where: string;
  /** Asks about the order numbered {num}. */
  byNumber: string;
}

export const STATUS_SCRIPTS: StatusScript[] = [
  { language: "en", where: "where is my order?", byNumber: "What is the status of my order {num}?" },
  { language: "ru", where: "когда привезут мой заказ?", byNumber: "Какой статус у заказа {num}?" },
  { language: "uk", where: "замовлення де?", byNumber: "Де моє замовлення {num}?" },
  { language: "th", where: "ออเดอร์ของฉันถึงไหนแล้ว", byNumber: "สถานะออเดอร์ {num} เป็นยังไงบ้าง" },
];

const SCRIPT_CHARS: Record<Language, RegExp> = {
  ru: /[а-яё]/i,
  uk: /[а-яієїґ]/i,
  en: /^[^\u0400-\u04ff\u0e00-\u0e3e\u0e40-\u0e7f]*$/u,
  th: /[\u0e01-\u0e3a\u0e40-\u0e5b]/,
};

export const withNumber = (s: StatusScript, num: string) => s.byNumber.replace("{num}", num);

async function notificationCount(deps: Deps, conversationId: string): Promise<number> {
  const rows = await deps.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(eq(notifications.conversationId, conversationId));
  return rows.length;
}

/** The conversation's trace rows: id and node (`tools:a,b` for a step that ran tools). */
async function traces(deps: Deps, conversationId: string) {
  return deps.db
    .select({ id: llmTraces.id, node: llmTraces.nodeName })
    .from(llmTraces)
    .where(eq(llmTraces.conversationId, conversationId));
}

const toolsOf = (rows: Array<{ node: string }>) =>
  rows.flatMap((r) => (r.node.startsWith("tools:") ? r.node.slice(6).split(",") : []));

/** The tools the conversation's model steps ran, from the traces. */
export async function toolsCalled(deps: Deps, conversationId: string): Promise<string[]> {
  return toolsOf(await traces(deps, conversationId));
}

/** A question about orders: answered from my_orders, in the language, with no staff record. */
async function ask(deps: Deps, c: Awaited<ReturnType<typeof customer>>, s: StatusScript, text: string) {
  const before = c.conversationId ? await notificationCount(deps, c.conversationId) : 0;
  const seen = new Set(c.conversationId ? (await traces(deps, c.conversationId)).map((t) => t.id) : []);
  const r = await c.say(text);
  expect(r.language, `language of "${text}"`).toBe(s.language);
  expect(r.content, `reply to "${text}" is in ${s.language}`).toMatch(SCRIPT_CHARS[s.language]);
  expect(r.notificationSent, `"${text}" raised a staff notification`).toBe(false);
  expect(r.orderNumber).toBeUndefined();
  expect(await notificationCount(deps, r.conversationId)).toBe(before);
  const added = (await traces(deps, r.conversationId)).filter((t) => !seen.has(t.id));
  expect(toolsOf(added)).toContain("my_orders");
  return r;
}

/** Places an order in `s.language` (the scripted order of that language) and asks about it. */
export async function runStatusScript(deps: Deps, s: StatusScript): Promise<void> {
  const script = SCRIPTS.find((x) => x.language === s.language)!;
  const labels = ORDER_STATUS_LABEL[s.language];
  const c = await customer(deps);
  const o = script.order;
  let done: Awaited<ReturnType<typeof c.say>> | undefined;
  for (const t of [o.tooLittle, o.enough, o.phone, o.address, o.payment, o.yes]) done = await c.say(t);
  const num = done?.orderNumber;
  expect(num, "the order was placed").toMatch(/^OG\d{6}-\d{3}$/);
  const [order] = await deps.db.select().from(orders).where(eq(orders.orderNumber, num!));

  // Right after the order: its number, the pending status, the product.
  for (const text of [s.where, withNumber(s, num!)]) {
    const r = await ask(deps, c, s, text);
    expect(r.content).toContain(num);
    expect(r.content).toContain(labels.pending);
    expect(r.content).toContain(o.product);
  }

  // Staff move it on through the service: the next answer has the new status.
  const statusDeps = { db: deps.db, cache: deps.cache, clock: deps.clock };
  await changeOrderStatus(statusDeps, { orderId: order!.id, status: "confirmed", by: "staff:test" });
  const confirmed = await ask(deps, c, s, s.where);
  expect(confirmed.content).toContain(num);
  expect(confirmed.content).toContain(labels.confirmed);
  expect(confirmed.content).not.toContain(labels.pending);
  await changeOrderStatus(statusDeps, { orderId: order!.id, status: "preparing", by: "staff:test" });
  await changeOrderStatus(statusDeps, { orderId: order!.id, status: "delivering", by: "staff:test" });
  const delivering = await ask(deps, c, s, withNumber(s, num!));
  expect(delivering.content).toContain(labels.delivering);
  expect(delivering.content).not.toContain(labels.confirmed);

  // Another customer asking for this number is told it is not found, and nothing of it.
  const other = await customer(deps);
  const probe = await ask(deps, other, s, withNumber(s, num!));
  expect(probe.content).toBe(T.orderNotFound[s.language].replace("{num}", num!));
  expect(probe.content).not.toContain(o.product);
  expect(probe.content).not.toContain(labels.delivering);
  expect(probe.suggestedProducts).toEqual([]);

  // A customer with no orders yet: told so, no staff record, no draft started.
  const fresh = await customer(deps);
  const none = await ask(deps, fresh, s, s.where);
  expect(none.content).toBe(T.noOrders[s.language]);
  expect(await notificationCount(deps, none.conversationId)).toBe(0);
}
