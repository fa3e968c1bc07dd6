/**
 * Questions about orders already placed, on the built-in offline assistant: the `order_status`
 * intent in four languages (never for ordering phrases), the my_orders tool (this customer's
 * orders only), no staff notification, the decision matrix unchanged, and the benchmark's
 * 8-message script still ending in an order every time.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { detectIntents, generalTopic, orderStatusKind } from "../../src/agent/intent.js";
import { decide } from "../../src/agent/offline/brain.js";
import { ordersReply } from "../../src/agent/offline/orders.js";
import type { PromptState } from "../../src/agent/prompt.js";
import { matrixNotifications } from "../../src/agent/reply.js";
import { emptyState } from "../../src/agent/state.js";
import { newEffects, type ToolContext } from "../../src/agent/tools/index.js";
import { CacheKeys } from "../../src/cache/keys.js";
import { notifications, orders } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { createOrder } from "../../src/services/orders/create.js";
import { customerOrders } from "../../src/services/orders/customer-orders.js";
import { getSettings } from "../../src/services/settings.js";
import { demoCart } from "../orders/support.js";
import { runStatusScript, STATUS_SCRIPTS, toolsCalled } from "./order-status-scripts.js";
import { agentDeps, customer } from "./support.js";

const ASKS = [
  "What is the status of my order OG261206-004?",
  "where is my order?",
  "Where's my order",
  "order status",
  "Can you track my order?",
  "has my order shipped yet?",
  "I ordered an hour ago, when will it arrive?",
  "show my orders",
  "when will my order be delivered?",
  "когда привезут мой заказ?",
  "Где мой заказ?",
  "Статус заказа",
  "Подскажите, что с моим заказом?",
  "я заказал вчера, где он?",
  "мои заказы",
  "замовлення де?",
  "Де моє замовлення?",
  "Коли привезуть моє замовлення?",
  "Що з моїм замовленням?",
  "ออเดอร์ของฉันถึงไหนแล้ว",
  "สถานะออเดอร์",
  "คำสั่งซื้อของฉันอยู่ไหน",
  "ยังไม่ได้ของที่สั่งไปเลย",
];

const ORDERING = [
  "I want to order 20g of Gelato",
  "I want to order 5g of Lebanese Gold",
  "I'd like to order OG Kush",
  "order 20g gelato",
  "Can I order for delivery tonight?",
  "Where can I order?",
  "change my order",
  "cancel my order",
  "add Gelato to my order",
  "хочу заказать",
  "Хочу заказать 10 г OG Kush",
  "Где можно заказать?",
  "хочу оформить заказ",
  "замовити",
  "Хочу замовити 5 г Northern Lights",
  "Як оформити замовлення?",
  "สั่ง Gelato 20 กรัม",
  "อยากสั่ง Gelato 5 กรัม",
  "สั่งออเดอร์ได้ที่ไหน",
];

/** The 8 messages of `npm run bench -- chat`, read from bench/chat.ts so the two cannot drift. */
function benchScript(): string[] {
  const src = readFileSync(new URL("../../bench/chat.ts", import.meta.url), "utf8");
  const block = /const SCRIPT = \[([\s\S]*?)\];/.exec(src)?.[1];
  if (!block) throw new Error("no SCRIPT in bench/chat.ts");
  return [...block.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

describe("the order_status intent", () => {
  test.each(ASKS)("%s → an order question, no buying intent, no general topic", (text) => {
    const i = detectIntents(text);
    expect(i.orderStatus).toBeDefined();
    expect(i.order).toBe(false);
    expect(i.recommend || i.price || i.hours || i.address || i.delivery || i.payment).toBe(false);
    expect(generalTopic(i)).toBeUndefined();
  });

  test.each(ORDERING)("%s → ordering, not an order question", (text) => {
    const i = detectIntents(text);
    expect(orderStatusKind(text)).toBeUndefined();
    expect(i.orderStatus).toBeUndefined();
    expect(i.order).toBe(true);
  });

  test("the benchmark's messages and the scripted conversations are read as before", () => {
    for (const t of benchScript()) expect(detectIntents(t).orderStatus, t).toBeUndefined();
    expect(detectIntents("I want to order 20g of Gelato").order).toBe(true);
    expect(detectIntents("What are your opening hours?")).toMatchObject({ hours: true, order: false });
  });
});

describe("the offline assistant's plan", () => {
  const system = (phase: PromptState["phase"], hasDraft: boolean) =>
    `<agent_state>${JSON.stringify({
      language: "en",
      phase,
      missing: hasDraft ? ["phone"] : [],
      hasDraft,
      selectedProducts: [],
      shop: {
        name: "S",
        openNow: true,
        hours: { open: "10:00", close: "22:00" },
        timeZone: "UTC",
        address: "",
        deliveryFee: "0",
        currency: "฿",
        greeting: "Hi",
      },
    } satisfies PromptState)}</agent_state>`;
  const plan = (text: string, phase: PromptState["phase"], hasDraft = phase !== "browsing") =>
    decide({ system: system(phase, hasDraft), messages: [{ role: "user", text }] });

  test("an order question calls my_orders, with the number when one is named (not read as a phone)", () => {
    expect(plan("where is my order?", "browsing")).toEqual({
      kind: "tools",
      calls: [{ name: "my_orders", input: {} }],
    });
    expect(plan("What is the status of my order og261206-004?", "ordered")).toEqual({
      kind: "tools",
      calls: [{ name: "my_orders", input: { orderNumber: "OG261206-004" } }],
    });
    // A clear question while a new order is being put together: answered, the draft stays.
    expect(plan("where is my order?", "ordering")).toMatchObject({ calls: [{ name: "my_orders" }] });
  });

  test("'my order' alone while ordering is about the draft, as before", () => {
    expect(plan("what's in my order?", "browsing", false)).toMatchObject({ calls: [{ name: "my_orders" }] });
    expect(plan("what's in my order?", "ordering")).toMatchObject({
      calls: [{ name: "update_draft_order" }],
    });
  });

  test("ordering phrases still go to the draft", () => {
    expect(plan("I want to order 20g of Gelato", "browsing", false)).toMatchObject({
      calls: [{ name: "update_draft_order", input: { quantity: "20" } }],
    });
  });
});

describe("the decision matrix", () => {
  let deps: Deps & { close(): Promise<void> };
  beforeAll(async () => {
    deps = await agentDeps();
  });
  afterAll(() => deps.close());

  async function matrix(text: string, draftItems = 0): Promise<string[]> {
    const state = emptyState();
    for (let k = 0; k < draftItems; k++) state.draft.items.push({ productId: `p${k}`, name: `P${k}` });
    const ctx = {
      deps,
      profile: { id: crypto.randomUUID(), displayName: null, telegramUsername: null },
      conversationId: crypto.randomUUID(),
      channel: "web",
      userMessageId: crypto.randomUUID(),
      userText: text,
      language: "en",
      catalog: [],
      useStock: false,
      settings: await getSettings(deps),
      state,
      effects: newEffects(),
      saved: Promise.resolve(),
    } as unknown as ToolContext;
    return matrixNotifications(ctx, detectIntents(text)).map((n) => n.type);
  }

  test("order questions raise nothing; buying intent, humans, hours and thanks as before", async () => {
    for (const t of ASKS) expect(await matrix(t), t).toEqual([]);
    expect(await matrix("I want to order 20g of Gelato")).toEqual(["wish"]);
    expect(await matrix("Посоветуй что-то для расслабления")).toEqual(["wish"]);
    expect(await matrix("Can I talk to a real person please?")).toEqual(["staff_question"]);
    expect(await matrix("What are your opening hours?")).toEqual(["staff_question"]);
    expect(await matrix("Thanks, great service!")).toEqual(["feedback"]);
    expect(await matrix("Where is my order? Call the manager")).toEqual(["staff_question"]);
    expect(await matrix("+66 81 234 5678", 1)).toEqual(["wish"]);
  });
});

describe("offline assistant: order status conversations", () => {
  let deps: Deps & { close(): Promise<void> };
  beforeAll(async () => {
    deps = await agentDeps();
  });
  afterAll(() => deps.close());

  for (const s of STATUS_SCRIPTS) {
    test(`${s.language}: order, then its status (pending, changed by staff), another's number, no orders`, async () => {
      await runStatusScript(deps, s);
    });
  }

  test("my_orders reads only the turn's customer: the newest five, or one of their own by number", async () => {
    const cart = await demoCart(deps);
    const mine = await customer(deps);
    const theirs = await customer(deps);
    const place = (profileId: string) =>
      createOrder(deps, {
        userProfileId: profileId,
        items: cart.items,
        contactInfo: { phone: "+66 81 000 0000" },
        deliveryAddress: "1 Test Road, Patong",
        paymentMethod: "cash",
        source: "web",
        createdBy: "customer",
      });
    const own: string[] = [];
    for (let k = 0; k < 6; k++) own.push((await place(mine.profile.id)).orderNumber);
    const foreign = await place(theirs.profile.id);
    const list = await customerOrders(deps, mine.profile.id);
    expect(list.count).toBe(6);
    expect(list.orders.map((o) => o.orderNumber).sort()).toEqual(own.slice(1).sort());
    expect(list.orders.every((o) => o.status === "pending" && o.total === cart.expected.total)).toBe(true);
    expect(list.orders[0]?.lastUpdate).toMatchObject({ status: "pending" });
    expect(JSON.stringify(list)).not.toContain(foreign.orderNumber);
    expect(JSON.stringify(list)).not.toContain("+66 81 000 0000"); // no contact details
    const one = await customerOrders(deps, mine.profile.id, { orderNumber: own[0]!.toLowerCase() });
    expect(one.orders.map((o) => o.orderNumber)).toEqual([own[0]]);
    const probe = await customerOrders(deps, mine.profile.id, { orderNumber: foreign.orderNumber });
    expect(probe).toMatchObject({ orders: [], notFound: foreign.orderNumber, count: 6 });
    const missing = await customerOrders(deps, mine.profile.id, { orderNumber: "OG990101-999" });
    expect(missing).toMatchObject({ orders: [], notFound: "OG990101-999" });

    // An expected delivery time staff set shows in the shop's time zone (Asia/Bangkok, +7).
    await deps.db
      .update(orders)
      .set({ estimatedDelivery: new Date("2026-03-10T12:30:00Z") })
      .where(eq(orders.orderNumber, own[5]!));
    await deps.cache.delete(CacheKeys.userOrders(mine.profile.id));
    const eta = await customerOrders(deps, mine.profile.id, { orderNumber: own[5]! });
    expect(eta.orders[0]?.estimatedDelivery).toBe("2026-03-10 19:30");
    expect(ordersReply(eta, "ru")).toContain("ожидаемая доставка 2026-03-10 19:30");
  });

  test("the benchmark's 8-message script, twice in one conversation, orders every time as before", async () => {
    const script = benchScript();
    expect(script).toHaveLength(8);
    const c = await customer(deps);
    const numbers: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (const [k, text] of script.entries()) {
        const r = await c.say(text);
        if (k === script.length - 1) {
          expect(r.orderNumber, `round ${round + 1} ended in an order`).toMatch(/^OG\d{6}-\d{3}$/);
          numbers.push(r.orderNumber!);
        } else expect(r.orderNumber).toBeUndefined();
      }
    }
    const placed = await deps.db.select().from(orders).where(eq(orders.userProfileId, c.profile.id));
    expect(placed.map((o) => o.orderNumber).sort()).toEqual([...numbers].sort());
    expect(new Set(numbers).size).toBe(2);
    expect(await toolsCalled(deps, c.conversationId!)).not.toContain("my_orders");
    // The same staff records as before this change: one wish a day, a staff question per hours
    // question, an alert per order.
    const types = await deps.db
      .select({ type: notifications.type })
      .from(notifications)
      .where(eq(notifications.conversationId, c.conversationId!));
    expect(types.map((t) => t.type).sort()).toEqual([
      "order",
      "order",
      "staff_question",
      "staff_question",
      "wish",
    ]);
  });
});
