/**
 * createOrder as one statement: the order it returns, the rows it writes and the caches it
 * writes through must be exactly what drizzle + jsonify (and a fresh load) give, on PGlite and
 * on PostgreSQL alike.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CacheKeys } from "../../src/cache/keys.js";
import { fixedClock } from "../../src/clock.js";
import { agentEvents, conversations, notifications, orderCounters, orders } from "../../src/db/schema.js";
import type { EnqueueOptions, JobQueue } from "../../src/jobs/types.js";
import { getConversation, getOrCreateConversation } from "../../src/services/conversations.js";
import { getFullContext } from "../../src/services/customer-context.js";
import { addFact } from "../../src/services/customers.js";
import { jsonify } from "../../src/services/json.js";
import { createNotification, orderPayload } from "../../src/services/notifications.js";
import {
  type CreateOrderInput,
  createOrder,
  createOrderRecord,
  type Order,
} from "../../src/services/orders/create.js";
import { formatOrderNumber, ORDER_NUMBER_RE, orderDay } from "../../src/services/orders/number.js";
import {
  getOrCreateTelegramProfile,
  getOrCreateWebProfile,
  getProfileById,
  type Profile,
} from "../../src/services/profiles.js";
import { getSettings } from "../../src/services/settings.js";
import { agentDeps, customer } from "../agent/support.js";
import { createTestDeps } from "../helpers/app.js";
import { demoCart } from "./support.js";

type TestDeps = Awaited<ReturnType<typeof createTestDeps>>;

describe("createOrder in one statement", () => {
  let deps: TestDeps;
  let cart: Awaited<ReturnType<typeof demoCart>>;
  const enqueued: Array<{ name: string; data: Record<string, unknown>; opts?: EnqueueOptions }> = [];
  let n = 0;
  const webId = () => `u_00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;

  beforeAll(async () => {
    // 14:00 in Bangkok; no other file's orders share this database.
    deps = await createTestDeps({ clock: fixedClock("2031-03-10T07:00:00Z") });
    const jobs: JobQueue = {
      enqueue: async (name, data, opts) => {
        enqueued.push({ name, data, opts });
      },
    };
    deps.jobs = jobs;
    cart = await demoCart(deps);
  });
  afterAll(async () => {
    await deps.close();
  });

  const input = (profile: Profile, extra: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
    userProfileId: profile.id,
    items: cart.items,
    contactInfo: { name: "Ann", phone: "+66 81 234 5678" },
    deliveryAddress: "12 Beach Road, Patong",
    paymentMethod: "cash",
    source: "web",
    createdBy: "customer",
    ...extra,
  });

  /** A new web customer with an open web conversation. */
  async function customerWithConversation(userId = webId()) {
    const profile = await getOrCreateWebProfile(deps, userId);
    const conv = await getOrCreateConversation(deps, {
      profileId: profile.id,
      channel: "web",
      language: "en",
      timeoutMinutes: 30,
    });
    return { profile, conv };
  }

  async function stored(id: string): Promise<Order> {
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, id));
    return jsonify(row!);
  }

  async function counter(): Promise<number | undefined> {
    const day = orderDay(deps.clock.now(), (await getSettings(deps)).timeZone);
    const [row] = await deps.db.select().from(orderCounters).where(eq(orderCounters.day, day));
    return row?.lastValue;
  }

  it("returns exactly the stored order, as drizzle + jsonify read it", async () => {
    const { profile, conv } = await customerWithConversation();
    const order = await createOrder(
      deps,
      input(profile, {
        conversationId: conv.id,
        deliveryNotes: "ring twice",
        deliveryLocation: { latitude: 7.89, longitude: 98.3 },
        idempotencyKey: `test:${crypto.randomUUID()}`,
        source: "admin",
        createdBy: "staff:owner",
        deliveryFee: "55.5",
        discount: "10",
      }),
    );
    expect(order).toStrictEqual(await stored(order.id));
    expect(order.orderNumber).toMatch(ORDER_NUMBER_RE);
    expect(order).toMatchObject({
      status: "pending",
      orderSource: "web",
      deliveryFee: "55.50",
      discount: "10.00",
      deliveryLocation: { latitude: 7.89, longitude: 98.3 },
      createdAt: deps.clock.now().toISOString(),
      statusHistory: [{ status: "pending", at: deps.clock.now().toISOString(), by: "staff:owner" }],
    });
    // A plain order: the nullable fields are SQL nulls, as drizzle writes them.
    const plain = await createOrder(deps, input(profile));
    expect(plain).toStrictEqual(await stored(plain.id));
    expect(plain).toMatchObject({ conversationId: null, deliveryLocation: null, idempotencyKey: null });
  });

  it("writes the stats, the conversation and the order_success event only for a new order", async () => {
    const { profile, conv } = await customerWithConversation();
    const key = `test:${crypto.randomUUID()}`;
    const first = await createOrder(deps, input(profile, { conversationId: conv.id, idempotencyKey: key }));
    const before = await counter();
    const again = await createOrderRecord(
      deps,
      input(profile, { conversationId: conv.id, idempotencyKey: key }),
    );
    expect(again).toStrictEqual({ order: first, created: false, notificationId: null });
    // The repeat took no number: the next order gets the very next one.
    expect(await counter()).toBe(before);
    const next = await createOrder(deps, input(profile));
    expect(next.orderNumber).toBe(formatOrderNumber(next.orderNumber.slice(2, 8), before! + 1));

    const fresh = await getProfileById(deps, profile.id);
    expect(fresh).toMatchObject({
      totalOrders: 2,
      totalSpent: (Number(cart.expected.total) * 2).toFixed(2),
      phone: "+66 81 234 5678",
      displayName: "Ann",
    });
    const [c] = await deps.db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(c).toMatchObject({ resultedInOrder: true, orderId: first.id });
    const events = await deps.db
      .select()
      .from(agentEvents)
      .where(and(eq(agentEvents.userProfileId, profile.id), eq(agentEvents.eventType, "order_success")));
    expect(events).toHaveLength(2);
    const ev = events.find((e) => e.orderId === first.id);
    expect(ev).toMatchObject({
      conversationId: conv.id,
      channel: "web",
      eventData: { orderNumber: first.orderNumber, total: first.totalAmount, items: 1 },
    });
    expect(ev!.createdAt.toISOString()).toBe(first.createdAt);
  });

  it("keeps a display name the customer already has", async () => {
    const profile = await getOrCreateWebProfile(deps, webId());
    await createOrder(deps, input(profile, { contactInfo: { phone: "+66 1" } }));
    expect((await getProfileById(deps, profile.id))?.displayName).toBeNull();
    await createOrder(deps, input(profile, { contactInfo: { name: "Bea", phone: "+66 2" } }));
    await createOrder(deps, input(profile, { contactInfo: { name: "Cid", phone: "+66 3" } }));
    expect(await getProfileById(deps, profile.id)).toMatchObject({ displayName: "Bea", phone: "+66 3" });
  });

  it("numbers past 999 a day with a longer suffix", async () => {
    const profile = await getOrCreateWebProfile(deps, webId());
    const day = orderDay(deps.clock.now(), (await getSettings(deps)).timeZone);
    await deps.db
      .insert(orderCounters)
      .values({ day, lastValue: 998 })
      .onConflictDoUpdate({ target: orderCounters.day, set: { lastValue: 998 } });
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) numbers.push((await createOrder(deps, input(profile))).orderNumber);
    expect(numbers).toEqual([`OG${day}-999`, `OG${day}-1000`, `OG${day}-1001`]);
  });

  it("is a 404 for an unknown customer, taking no number", async () => {
    const before = await counter();
    const missing = { id: crypto.randomUUID() } as Profile;
    await expect(createOrder(deps, input(missing))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createOrder(deps, input(missing, { idempotencyKey: "k" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await counter()).toBe(before);
  });

  it("is one statement, and puts the new profile and conversation in the cache", async () => {
    const userId = webId();
    const { profile, conv } = await customerWithConversation(userId);
    await getConversation(deps, conv.id);
    await createOrder(deps, input(profile)); // settings and catalog are cached from here on
    const query = vi.spyOn(deps.database, "query");
    const drizzle = ["select", "insert", "update", "execute", "transaction"].map((m) =>
      vi.spyOn(deps.db, m as "select"),
    );
    try {
      const order = await createOrder(deps, input(profile, { conversationId: conv.id }));
      expect(query).toHaveBeenCalledTimes(1);
      // The next turn reads both from memory.
      const cachedProfile = await getOrCreateWebProfile(deps, userId);
      const cachedConv = await getConversation(deps, conv.id);
      expect(query).toHaveBeenCalledTimes(1);
      for (const spy of drizzle) expect(spy).not.toHaveBeenCalled();
      query.mockRestore();
      for (const spy of drizzle) spy.mockRestore();
      // ...and what it reads is what a fresh load gives.
      expect(cachedProfile).toStrictEqual(await getProfileById(deps, profile.id));
      expect(cachedProfile).toMatchObject({ totalOrders: 2 });
      const [row] = await deps.db.select().from(conversations).where(eq(conversations.id, conv.id));
      expect(cachedConv).toStrictEqual(jsonify(row));
      expect(cachedConv).toMatchObject({ resultedInOrder: true, orderId: order.id });
      // The lists and contexts it changed are dropped.
      expect(await deps.cache.get(CacheKeys.userOrders(profile.id))).toBeUndefined();
    } finally {
      query.mockRestore();
      for (const spy of drizzle) spy.mockRestore();
    }
  });

  it("works the customer's context it holds out again rather than dropping it, as a fresh load gives it", async () => {
    const { profile, conv } = await customerWithConversation();
    await addFact(deps, profile.id, { content: "Likes sativas", factType: "preference", category: "taste" });
    await createOrder(deps, input(profile)); // the same cart twice makes it "the usual"
    const before = await getFullContext(deps, profile.id);
    expect(before?.usualProduct).toBeNull();
    const query = vi.spyOn(deps.database, "query");
    let held: Awaited<ReturnType<typeof getFullContext>>;
    let order: Order;
    try {
      order = await createOrder(deps, input(profile, { conversationId: conv.id }));
      held = await getFullContext(deps, profile.id);
      // The order's statement only: the context was not loaded again.
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
    expect(held?.usualProduct).toBe(cart.flower.name);
    expect(held?.recentOrders.map((o) => o.orderNumber)[0]).toBe(order.orderNumber);
    expect(held?.profile).toMatchObject({ totalOrders: 2 });
    expect(held?.paragraph).toContain(`Usually orders ${cart.flower.name}.`);
    await deps.cache.delete(CacheKeys.fullContext(profile.id));
    const fresh = await getFullContext(deps, profile.id);
    // Loading marks the facts as used (lastAccessedAt): everything else is the same.
    const unmarked = (c: typeof fresh) => ({
      ...c,
      facts: c?.facts.map(({ lastAccessedAt: _, ...f }) => f),
    });
    expect(unmarked(held)).toStrictEqual(unmarked(fresh));
  });

  it("leaves the context dropped when it was dropped before the order", async () => {
    const profile = await getOrCreateWebProfile(deps, webId());
    await getFullContext(deps, profile.id);
    await deps.cache.delete(CacheKeys.fullContext(profile.id)); // e.g. a fact was stored meanwhile
    await createOrder(deps, input(profile));
    expect(deps.cache.peek(CacheKeys.fullContext(profile.id))).toBeUndefined();
    expect((await getFullContext(deps, profile.id))?.profile).toMatchObject({ totalOrders: 1 });
  });

  it("writes the staff alert with the order when asked; delivery is the caller's", async () => {
    const profile = await getOrCreateWebProfile(deps, webId());
    const jobs = enqueued.length;
    const r = await createOrderRecord(deps, input(profile, { contactInfo: { phone: "+66 9" } }), {
      staffAlert: { customer: { displayName: "Dee" } },
    });
    expect(r.created).toBe(true);
    expect(r.notificationId).toBeTruthy();
    const [rec] = await deps.db.select().from(notifications).where(eq(notifications.orderId, r.order.id));
    expect(rec).toMatchObject({
      id: r.notificationId,
      type: "order",
      dedupeKey: `order:${r.order.id}`,
      userProfileId: profile.id,
      conversationId: null,
      status: "pending",
    });
    // The payload createNotification would have stored for this order.
    expect(rec!.payload).toStrictEqual(jsonify(orderPayload(r.order, { displayName: "Dee" })));
    expect(rec!.payload).toMatchObject({ orderNumber: r.order.orderNumber, contact: { name: "Dee" } });
    expect(enqueued.length).toBe(jobs);
    // The same subject through createNotification: found, not written again, not enqueued.
    const again = await createNotification(deps, {
      type: "order",
      subject: { orderId: r.order.id },
      orderId: r.order.id,
      payload: {},
    });
    expect(again).toEqual({ id: r.notificationId, created: false });
    expect(enqueued.length).toBe(jobs);
    // Without staffAlert, no record.
    const plain = await createOrderRecord(deps, input(profile));
    expect(plain.notificationId).toBeNull();
    expect(
      await deps.db.select().from(notifications).where(eq(notifications.orderId, plain.order.id)),
    ).toEqual([]);
  });

  it("createNotification: one record per subject, delivery queued once", async () => {
    const profile = await getOrCreateWebProfile(deps, webId());
    const subject = { messageId: crypto.randomUUID() };
    const first = await createNotification(deps, {
      type: "staff_question",
      subject,
      userProfileId: profile.id,
      payload: { note: "call me", nested: { a: [1, "b"] } },
    });
    expect(first.created).toBe(true);
    const second = await createNotification(deps, {
      type: "staff_question",
      subject,
      payload: { note: "x" },
    });
    expect(second).toEqual({ id: first.id, created: false });
    const rows = await deps.db.select().from(notifications).where(eq(notifications.id, first.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: "staff_question",
      dedupeKey: `staff_question:${subject.messageId}`,
      userProfileId: profile.id,
      payload: { note: "call me", nested: { a: [1, "b"] } },
    });
    expect(rows[0]!.createdAt.toISOString()).toBe(deps.clock.now().toISOString());
    const jobs = enqueued.filter((j) => j.data.notificationId === first.id);
    expect(jobs).toEqual([
      {
        name: "notify-staff",
        data: { notificationId: first.id },
        opts: { dedupeKey: `notify-staff:${first.id}` },
      },
    ]);
  });
});

describe("profile loaders", () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({ clock: fixedClock("2031-03-10T07:00:00Z") });
  });
  afterAll(async () => {
    await deps.close();
  });

  it("create a missing profile and find an existing one with a single select", async () => {
    const userId = `u_${crypto.randomUUID()}`;
    const created = await getOrCreateWebProfile(deps, userId);
    expect(created).toStrictEqual(await getProfileById(deps, created.id));
    expect(created).toMatchObject({ userId, createdAt: "2031-03-10T07:00:00.000Z", totalOrders: 0 });
    await deps.cache.delete(CacheKeys.userProfile(userId));
    const query = vi.spyOn(deps.database, "query");
    const insert = vi.spyOn(deps.db, "insert");
    try {
      expect(await getOrCreateWebProfile(deps, userId)).toStrictEqual(created);
      expect(query).toHaveBeenCalledTimes(1);
      expect(insert).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
      insert.mockRestore();
    }
  });

  it("create a Telegram profile with its identity", async () => {
    const who = { telegramUserId: 7_000_000_123, username: "ann", firstName: "Ann", languageCode: "ru-RU" };
    const p = await getOrCreateTelegramProfile(deps, who);
    expect(p).toStrictEqual(await getProfileById(deps, p.id));
    expect(p).toMatchObject({
      telegramUserId: 7_000_000_123,
      telegramChatId: 7_000_000_123,
      telegramUsername: "ann",
      displayName: "Ann",
      preferences: { language: "ru" },
      userId: null,
    });
    await deps.cache.delete(CacheKeys.userByTelegram(who.telegramUserId));
    expect(await getOrCreateTelegramProfile(deps, { telegramUserId: who.telegramUserId })).toStrictEqual(p);
  });

  it("give concurrent first loads one profile", async () => {
    const userId = `u_${crypto.randomUUID()}`;
    const loads = await Promise.all(
      Array.from({ length: 5 }, async () => {
        await deps.cache.delete(CacheKeys.userProfile(userId));
        return getOrCreateWebProfile(deps, userId);
      }),
    );
    expect(new Set(loads.map((p) => p.id)).size).toBe(1);
  });
});

describe("an order from the chat", () => {
  let deps: TestDeps;
  const enqueued: Array<{ name: string; data: Record<string, unknown> }> = [];
  beforeAll(async () => {
    deps = await agentDeps();
    deps.jobs = {
      enqueue: async (name, data) => {
        enqueued.push({ name, data });
      },
    };
  });
  afterAll(async () => {
    await deps.close();
  });

  it("writes one staff alert, queues it once, and leaves the customer's new profile cached", async () => {
    const userId = `u_${crypto.randomUUID()}`;
    const c = await customer(deps, userId);
    for (const text of ["I want to order 20g of Gelato", "+66 81 234 5678", "Hilton Hotel room 12", "cash"])
      await c.say(text);
    const done = await c.say("yes");
    expect(done.orderNumber).toMatch(ORDER_NUMBER_RE);
    expect(done.notificationSent).toBe(true);
    const [order] = await deps.db.select().from(orders).where(eq(orders.orderNumber, done.orderNumber!));
    const recs = await deps.db.select().from(notifications).where(eq(notifications.orderId, order!.id));
    expect(recs.map((r) => r.type)).toEqual(["order"]);
    expect(recs[0]!.payload).toStrictEqual(jsonify(orderPayload(jsonify(order!), c.profile)));
    // (The "I want to order" turn queued its own `wish` alert.)
    expect(enqueued.filter((j) => j.data.notificationId === recs[0]!.id)).toEqual([
      { name: "notify-staff", data: { notificationId: recs[0]!.id } },
    ]);
    const cached = await deps.cache.get<Profile>(CacheKeys.userProfile(userId));
    expect(cached).toStrictEqual(await getProfileById(deps, c.profile.id));
    expect(cached).toMatchObject({ totalOrders: 1, phone: "+66 81 234 5678" });
    // The turn's reply caches the conversation with the order on it (not dropped, not stale).
    const cachedConv = await deps.cache.get(CacheKeys.conversation(order!.conversationId!));
    const [row] = await deps.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, order!.conversationId!));
    expect(cachedConv).toStrictEqual(jsonify(row));
    expect(cachedConv).toMatchObject({ resultedInOrder: true, orderId: order!.id });
  });
});
