import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TurnRunner } from "../../src/channels/telegram/types.js";
import {
  conversations,
  jobs,
  messages,
  notifications,
  orders,
  telegramUpdates,
} from "../../src/db/schema.js";
import { getOrCreateConversation } from "../../src/services/conversations.js";
import { formatMoney } from "../../src/services/money.js";
import { createNotification, orderPayload } from "../../src/services/notifications.js";
import { createOrder } from "../../src/services/orders/create.js";
import { textUpdate } from "../fakes/telegram.js";
import { staffAuth } from "../helpers/app.js";
import { waitFor } from "../jobs/support.js";
import { customer, demoCart } from "../orders/support.js";
import { STAFF_CHAT, telegramRig } from "./support.js";

type Rig = Awaited<ReturnType<typeof telegramRig>>;

describe("telegram bot over a fake Bot API", () => {
  let rig: Rig;
  let cart: Awaited<ReturnType<typeof demoCart>>;
  const turns: string[] = [];

  /**
   * A stand-in for the assistant's turn that has a side effect a double run would show: every
   * call creates an order (no idempotency key) and answers with its number.
   */
  const runTurn: TurnRunner = async (deps, input) => {
    turns.push(input.text);
    const conv = await getOrCreateConversation(deps, {
      profileId: input.profile.id,
      channel: "telegram",
      language: "en",
      timeoutMinutes: 30,
    });
    const order = await createOrder(deps, {
      userProfileId: input.profile.id,
      conversationId: conv.id,
      items: cart.items,
      contactInfo: { phone: "+66 81 000 0000" },
      deliveryAddress: "1 Test Road <b>Patong</b>",
      paymentMethod: "cash",
      source: "telegram",
      createdBy: "assistant",
    });
    await createNotification(deps, {
      type: "order",
      subject: { orderId: order.id },
      userProfileId: input.profile.id,
      conversationId: conv.id,
      orderId: order.id,
      payload: orderPayload(order, input.profile),
    });
    return {
      content: `Order **${order.orderNumber}** placed for <you> & friends.`,
      conversationId: conv.id,
      productCards: [],
      language: "en",
      orderNumber: order.orderNumber,
      silent: false,
    };
  };

  beforeAll(async () => {
    rig = await telegramRig(runTurn);
    cart = await demoCart(rig.main.deps);
  });
  afterAll(async () => {
    await rig.close();
  });

  it("registers the webhook with its secret token on start", () => {
    const set = rig.fake.callsOf("setWebhook");
    expect(set).toHaveLength(1);
    expect(set[0]?.params.url).toBe("https://shop.example.com/api/telegram/webhook");
    expect(set[0]?.params.secret_token).toBeTruthy();
  });

  it("answers a wrong or missing secret with 401 and runs nothing", async () => {
    const update = textUpdate("hello", { id: 5001 });
    const before = rig.fake.calls.length;
    for (const secret of [null, "wrong-secret", ""]) {
      const res = await rig.webhook(rig.main, update, secret);
      expect(res.status, `secret ${JSON.stringify(secret)}: ${await res.clone().text()}`).toBe(401);
    }
    const claimed = await rig.main.deps.db
      .select()
      .from(telegramUpdates)
      .where(eq(telegramUpdates.updateId, update.update_id));
    expect(claimed).toHaveLength(0);
    expect(await rig.main.runner.pending()).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.fake.calls.length).toBe(before);
    expect(turns).not.toContain("hello");
  });

  it("handles an update delivered 5 times at once and again after a restart exactly once", async () => {
    const user = { id: 7001, language_code: "en" };
    const update = textUpdate("I want to order", user);
    const results = await Promise.all(Array.from({ length: 5 }, () => rig.webhook(rig.main, update)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await waitFor(() => rig.fake.sentTo(user.id).length >= 1, 15_000, "the reply");
    const second = await rig.restart();
    for (let i = 0; i < 3; i++) expect((await rig.webhook(second, update)).status).toBe(200);
    await waitFor(
      async () => (await second.runner.pending()) === 0 && (await rig.main.runner.pending()) === 0,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(turns.filter((t) => t === "I want to order")).toHaveLength(1);
    const replies = rig.fake.sentTo(user.id);
    expect(replies.map((r) => r.params.text)).toHaveLength(1);
    // Telegram HTML: the model's bold became a tag, everything else was escaped.
    expect(replies[0]?.params.parse_mode).toBe("HTML");
    expect(String(replies[0]?.params.text)).toMatch(
      /<b>OG\d{6}-\d{3,}<\/b> placed for &lt;you&gt; &amp; friends\./,
    );
    const [row] = await rig.main.deps.db
      .select()
      .from(telegramUpdates)
      .where(eq(telegramUpdates.updateId, update.update_id));
    expect(row?.status).toBe("done");
    const orderRows = await rig.main.deps.db.select().from(orders).where(eq(orders.orderSource, "telegram"));
    expect(orderRows).toHaveLength(1);
    // The typing indicator was shown while the assistant worked.
    expect(rig.fake.callsOf("sendChatAction").some((c) => c.params.action === "typing")).toBe(true);
  });

  it("brings an order placed in the bot to the staff chat with the right total", async () => {
    const orderRows = await rig.main.deps.db.select().from(orders).where(eq(orders.orderSource, "telegram"));
    const order = orderRows[0]!;
    await waitFor(() =>
      rig.fake.sentTo(STAFF_CHAT).some((c) => String(c.params.text).includes(order.orderNumber)),
    );
    const alert = rig.fake.sentTo(STAFF_CHAT).find((c) => String(c.params.text).includes(order.orderNumber))!;
    const text = String(alert.params.text);
    expect(order.totalAmount).toBe(cart.expected.total);
    expect(text).toContain(`Total: ${formatMoney(cart.expected.total, cart.settings.currency)}`);
    expect(text).toContain(`Subtotal: ${formatMoney(cart.expected.subtotal, cart.settings.currency)}`);
    expect(text).toContain("+66 81 000 0000");
    expect(text).toContain("1 Test Road &lt;b&gt;Patong&lt;/b&gt;");
    expect(text).toContain("google.com/maps/search");
    expect(text).toContain("Payment: cash");
    expect(JSON.stringify(alert.params.reply_markup)).toContain("Take over");
    const [n] = await rig.main.deps.db
      .select()
      .from(notifications)
      .where(eq(notifications.orderId, order.id));
    expect(n).toMatchObject({ status: "sent", attempts: 1 });
    expect(n?.telegramMessageId).toBe(
      (alert as unknown as { result?: number }).result ?? n?.telegramMessageId,
    );
  });

  it("waits out a 429 retry_after and then delivers the notification once", async () => {
    const deps = rig.main.deps;
    const order = await createOrder(deps, {
      userProfileId: (await deps.database.query<{ id: string }>("select id from user_profiles limit 1"))[0]!
        .id,
      items: cart.items,
      contactInfo: { phone: "+66 81 111 1111" },
      deliveryAddress: "2 Rate Limit Lane",
      paymentMethod: "transfer",
      source: "web",
      createdBy: "customer",
    });
    rig.fake.failNext("sendMessage", {
      status: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
    });
    const n = await createNotification(deps, {
      type: "order",
      subject: { orderId: order.id },
      orderId: order.id,
      payload: orderPayload(order, {}),
    });
    const row = await waitFor(
      async () => {
        const [r] = await deps.db.select().from(notifications).where(eq(notifications.id, n.id));
        return r?.status === "sent" ? r : undefined;
      },
      15_000,
      "notification to be sent",
    );
    const attempts = rig.fake
      .sentTo(STAFF_CHAT)
      .filter((c) => String(c.params.text).includes(order.orderNumber));
    // The 429 is recorded as a call too: two calls, one delivered message.
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(row.attempts).toBe(2);
    expect(row.telegramMessageId).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      rig.fake.sentTo(STAFF_CHAT).filter((c) => String(c.params.text).includes(order.orderNumber)),
    ).toHaveLength(2);
  });

  it("retries a 5xx with backoff, records the error, and still sends once", async () => {
    const deps = rig.main.deps;
    rig.fake.failNext("sendMessage", { status: 502, description: "Bad Gateway" }, 2);
    const n = await createNotification(deps, {
      type: "staff_question",
      subject: { messageId: "00000000-0000-4000-8000-00000000abcd" },
      payload: { note: "asks for a manager", customerMessage: "<script>call me</script>" },
    });
    const row = await waitFor(async () => {
      const [r] = await deps.db.select().from(notifications).where(eq(notifications.id, n.id));
      return r?.status === "sent" ? r : undefined;
    });
    expect(row.attempts).toBe(3);
    const delivered = rig.fake
      .sentTo(STAFF_CHAT)
      .filter((c) => String(c.params.text).includes("asks for a manager"));
    expect(delivered).toHaveLength(3);
    expect(String(delivered[2]?.params.text)).toContain("&lt;script&gt;call me&lt;/script&gt;");
    // Job rows of the durable runner keep the last error; BullMQ keeps it in Redis.
    const failed = await deps.db.select().from(jobs).where(eq(jobs.status, "failed"));
    expect(failed.filter((j) => j.name === "notify-staff")).toHaveLength(0);
  });

  it("lets staff take over from the alert, write to the customer by replying, and release", async () => {
    const deps = rig.main.deps;
    const [n] = await deps.db.select().from(notifications).where(eq(notifications.status, "sent"));
    const alertId = n!.telegramMessageId!;
    const conversationId = n!.conversationId!;
    const staffUser = { id: 9001, is_bot: false, first_name: "Mia" };
    const staffChat = { id: Number(STAFF_CHAT), type: "supergroup" as const, title: "Staff" };
    const press = {
      update_id: 90_001,
      callback_query: {
        id: "cb1",
        from: staffUser,
        chat_instance: "x",
        data: `to:${conversationId}`,
        message: { message_id: alertId, date: 0, chat: staffChat, text: "alert" },
      },
    };
    expect((await rig.webhook(rig.main, press)).status).toBe(200);
    const conv = await waitFor(async () => {
      const [c] = await deps.db.select().from(conversations).where(eq(conversations.id, conversationId));
      return c?.takeoverUntil ? c : undefined;
    });
    expect(conv.takeoverBy).toBeTruthy();
    const reply = {
      update_id: 90_002,
      message: {
        message_id: 777,
        date: 0,
        chat: staffChat,
        from: staffUser,
        text: "Hi, this is Mia <from the shop>",
        reply_to_message: { message_id: alertId, date: 0, chat: staffChat, text: "alert" },
      },
    };
    expect((await rig.webhook(rig.main, reply)).status).toBe(200);
    await waitFor(() =>
      rig.fake.sentTo(7001).some((c) => String(c.params.text).includes("Mia &lt;from the shop&gt;")),
    );
    const stored = await deps.db.select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(stored.filter((m) => m.role === "staff").map((m) => m.content)).toEqual([
      "Hi, this is Mia <from the shop>",
    ]);
    const rel = {
      ...reply,
      update_id: 90_003,
      message: { ...reply.message, message_id: 778, text: "/release" },
    };
    expect((await rig.webhook(rig.main, rel)).status).toBe(200);
    await waitFor(async () => {
      const [c] = await deps.db.select().from(conversations).where(eq(conversations.id, conversationId));
      return c && c.takeoverUntil === null;
    });
    // Another group is not the staff chat: its button does nothing.
    const foreign = {
      ...press,
      update_id: 90_004,
      callback_query: {
        ...press.callback_query,
        id: "cb2",
        message: { ...press.callback_query.message, chat: { ...staffChat, id: -999 } },
      },
    };
    expect((await rig.webhook(rig.main, foreign)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const [after] = await deps.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(after?.takeoverUntil).toBeNull();
  });

  it("lets staff write from the admin API and a web customer poll it; others get 404", async () => {
    const { app } = rig.main;
    const alice = customer(app);
    const bob = customer(app);
    await alice.request("GET", "/api/orders");
    const [p] = await rig.main.deps.database.query<{ id: string }>(
      "select id from user_profiles where user_id is not null order by created_at desc limit 1",
    );
    const conv = await getOrCreateConversation(rig.main.deps, {
      profileId: p!.id,
      channel: "web",
      language: "en",
      timeoutMinutes: 30,
    });
    const res = await app.request(`/api/admin/conversations/${conv.id}/message`, {
      method: "POST",
      headers: { ...staffAuth, "content-type": "application/json" },
      body: JSON.stringify({ text: "A human here" }),
    });
    expect(res.status).toBe(201);
    const polled = (await (
      await alice.request("GET", `/api/agent/messages?conversationId=${conv.id}`)
    ).json()) as {
      takenOver: boolean;
      messages: Array<{ role: string; content: string }>;
    };
    expect(polled.takenOver).toBe(true);
    expect(polled.messages).toContainEqual(
      expect.objectContaining({ role: "staff", content: "A human here" }),
    );
    expect((await bob.request("GET", `/api/agent/messages?conversationId=${conv.id}`)).status).toBe(404);
    const anon = await app.request(`/api/admin/conversations/${conv.id}/release`, { method: "POST" });
    expect(anon.status).toBe(401);
    const rel = await app.request(`/api/admin/conversations/${conv.id}/release`, {
      method: "POST",
      headers: staffAuth,
    });
    expect(rel.status).toBe(200);
    expect(((await rel.json()) as { takeoverUntil: string | null }).takeoverUntil).toBeNull();
  });
});
