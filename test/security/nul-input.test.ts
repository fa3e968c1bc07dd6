/**
 * A NUL character (U+0000) cannot be stored by PostgreSQL. In any validated request string it is
 * a 400 VALIDATION_FAILED naming the field (never a 500), and nothing is written; in a Telegram
 * message it is stripped and the customer gets a normal reply.
 */
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTurn } from "../../src/agent/turn.js";
import type { App } from "../../src/app.js";
import { withoutNul } from "../../src/channels/telegram/sanitize.js";
import {
  agentEvents,
  conversations,
  messages,
  orders,
  staffSessions,
  userProfiles,
} from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { agentApp } from "../agent/support.js";
import { textUpdate } from "../fakes/telegram.js";
import { staffAuth } from "../helpers/app.js";
import { waitFor } from "../jobs/support.js";
import { customer, demoCart, orderBody, staff } from "../orders/support.js";
import { telegramRig } from "../telegram/support.js";

const NUL = "\u0000";
const ip = { "x-forwarded-for": "127.0.0.1" };

/** The response is our 400 naming `field`, in the message (first) and in the details. */
async function expectNulRefused(res: Response, field: string) {
  const text = await res.clone().text();
  expect(res.status, text).toBe(400);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await res.json()) as {
    error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
  };
  expect(body.error.code).toBe("VALIDATION_FAILED");
  expect(body.error.message).toBe(`${field}: must not contain NUL characters`);
  expect(body.error.details).toContainEqual({ field, message: "must not contain NUL characters" });
}

describe("NUL characters in API input", () => {
  let env: Awaited<ReturnType<typeof agentApp>>;
  let app: App;
  let deps: Deps;

  beforeAll(async () => {
    env = await agentApp();
    app = env.app;
    deps = env.deps;
  });
  afterAll(() => env.close());

  /** A web customer with one conversation (one chat turn), and what the database holds for them. */
  async function chattingCustomer() {
    let cookie = "";
    const chat = async (body: Record<string, unknown>) => {
      const res = await app.request("/api/agent/chat", {
        method: "POST",
        headers: { "content-type": "application/json", ...ip, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      const set = res.headers.get("set-cookie");
      if (set) cookie = set.split(";")[0] ?? "";
      return res;
    };
    const first = await chat({ message: "Hi, what do you have?", stream: false });
    expect(first.status).toBe(200);
    const { conversationId, userId } = (await first.json()) as { conversationId: string; userId: string };
    const state = async () => {
      const [p] = await deps.db.select().from(userProfiles).where(eq(userProfiles.userId, userId));
      const convs = await deps.db
        .select({ id: conversations.id, messageCount: conversations.messageCount })
        .from(conversations)
        .where(eq(conversations.userProfileId, p!.id));
      const [m] = await deps.db
        .select({ n: count() })
        .from(messages)
        .where(eq(messages.userProfileId, p!.id));
      return {
        totalConversations: p!.totalConversations,
        conversations: convs.length,
        messageCounts: convs.map((c) => c.messageCount),
        messages: m!.n,
      };
    };
    return {
      chat,
      conversationId,
      state,
      request: (method: string, path: string, body: unknown) =>
        app.request(path, {
          method,
          headers: { "content-type": "application/json", cookie },
          body: JSON.stringify(body),
        }),
    };
  }

  it("POST /api/agent/chat: message (SSE and JSON) → 400, no conversation or message written", async () => {
    const c = await chattingCustomer();
    const before = await c.state();
    expect(before.conversations).toBe(1);
    await expectNulRefused(await c.chat({ message: `hello${NUL}there` }), "message");
    await expectNulRefused(await c.chat({ message: `hello${NUL}`, stream: false }), "message");
    await expectNulRefused(
      await c.chat({ message: `a${NUL}`, conversationId: c.conversationId, stream: true }),
      "message",
    );
    expect(await c.state()).toEqual(before);

    // A first visit with a NUL creates nothing at all: no profile, no conversation.
    const [profilesBefore] = await deps.db.select({ n: count() }).from(userProfiles);
    const [convsBefore] = await deps.db.select({ n: count() }).from(conversations);
    const res = await app.request("/api/agent/chat", {
      method: "POST",
      headers: { "content-type": "application/json", ...ip },
      body: JSON.stringify({ message: `new${NUL}customer` }),
    });
    await expectNulRefused(res, "message");
    expect((await deps.db.select({ n: count() }).from(userProfiles))[0]).toEqual(profilesBefore);
    expect((await deps.db.select({ n: count() }).from(conversations))[0]).toEqual(convsBefore);
  });

  it("POST /api/events: productName → 400, no event recorded", async () => {
    const c = await chattingCustomer();
    const [before] = await deps.db.select({ n: count() }).from(agentEvents);
    await expectNulRefused(
      await c.request("POST", "/api/events", { type: "product_view", productName: `Kush${NUL}` }),
      "productName",
    );
    // Keys of the free-form data record are checked as well.
    const key = await c.request("POST", "/api/events", { type: "voice_input", data: { [`k${NUL}`]: 1 } });
    expect(key.status).toBe(400);
    expect(((await key.json()) as { error: { message: string } }).error.message).toMatch(/^data: /);
    await expectNulRefused(
      await c.request("POST", "/api/events", { type: "voice_input", data: { source: `mic${NUL}` } }),
      "data.source",
    );
    expect((await deps.db.select({ n: count() }).from(agentEvents))[0]).toEqual(before);
  });

  it("POST /api/orders: contactInfo.name and deliveryAddress → 400, no order row", async () => {
    const cart = await demoCart(deps);
    const buyer = customer(app);
    const [before] = await deps.db.select({ n: count() }).from(orders);
    const good = orderBody(cart.items);
    await expectNulRefused(
      await buyer.request("POST", "/api/orders", {
        ...good,
        contactInfo: { ...good.contactInfo, name: `Ann${NUL}` },
      }),
      "contactInfo.name",
    );
    await expectNulRefused(
      await buyer.request("POST", "/api/orders", { ...good, deliveryAddress: `12 Beach${NUL} Road` }),
      "deliveryAddress",
    );
    await expectNulRefused(
      await staff(app).request("POST", "/api/orders", { ...good, deliveryNotes: `${NUL}` }),
      "deliveryNotes",
    );
    expect((await deps.db.select({ n: count() }).from(orders))[0]).toEqual(before);
  });

  it("PATCH /api/me: displayName → 400, the profile unchanged", async () => {
    const c = await chattingCustomer();
    expect((await c.request("PATCH", "/api/me", { displayName: "Ann" })).status).toBe(200);
    await expectNulRefused(await c.request("PATCH", "/api/me", { displayName: `Bob${NUL}` }), "displayName");
    const me = (await (await c.request("PATCH", "/api/me", {})).json()) as { displayName: string };
    expect(me.displayName).toBe("Ann");
  });

  it("POST /api/conversations/{id}/rating: feedback → 400, no rating stored", async () => {
    const c = await chattingCustomer();
    await expectNulRefused(
      await c.request("POST", `/api/conversations/${c.conversationId}/rating`, {
        rating: 5,
        feedback: `great${NUL}`,
      }),
      "feedback",
    );
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    expect(conv?.userSatisfaction).toBeNull();
    expect(conv?.feedback).toBeNull();
  });

  it("POST /api/auth/login: username → 400, no session", async () => {
    const [before] = await deps.db.select({ n: count() }).from(staffSessions);
    const res = await app.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", ...ip },
      body: JSON.stringify({ username: `admin${NUL}`, password: "test-password-123" }),
    });
    await expectNulRefused(res, "username");
    expect((await deps.db.select({ n: count() }).from(staffSessions))[0]).toEqual(before);
  });

  it("POST /api/admin/conversations/{id}/message: text → 400, not taken over, no message", async () => {
    const c = await chattingCustomer();
    const before = await c.state();
    await expectNulRefused(
      await staff(app).request("POST", `/api/admin/conversations/${c.conversationId}/message`, {
        text: `Hi from${NUL} the shop`,
      }),
      "text",
    );
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    expect(conv?.takeoverUntil).toBeNull();
    expect(conv?.takeoverBy).toBeNull();
    expect(await c.state()).toEqual(before);
  });

  it("POST /api/admin/orders/{id}/notes: note → 400, the notes unchanged", async () => {
    const cart = await demoCart(deps);
    const placed = await customer(app).request("POST", "/api/orders", orderBody(cart.items));
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: string };
    await expectNulRefused(
      await staff(app).request("POST", `/api/admin/orders/${id}/notes`, { note: `call${NUL} first` }),
      "note",
    );
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, id));
    expect(row?.staffNotes ?? null).toBeNull();
  });

  it("a query string holding %00 → 400 naming the parameter", async () => {
    await expectNulRefused(await app.request("/api/catalog?q=kush%00"), "q");
    const res = await app.request(`/api/admin/customers?q=${encodeURIComponent(`a${NUL}`)}`, {
      headers: staffAuth,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
  });
});

describe("NUL characters in Telegram messages", () => {
  it("strips NULs from text and caption and moves the entities to match", () => {
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 1, type: "private" as const, first_name: `A${NUL}nn` },
        text: `${NUL}/start${NUL} x ${NUL}bold`,
        entities: [
          { type: "bot_command" as const, offset: 1, length: 6 },
          { type: "bold" as const, offset: 11, length: 5 },
          { type: "italic" as const, offset: 0, length: 1 },
        ],
      },
    };
    const clean = withoutNul(update as never) as unknown as typeof update;
    expect(clean.message.text).toBe("/start x bold");
    expect(clean.message.chat.first_name).toBe("Ann");
    // The entity that covered only a NUL is gone; the others cover the same words.
    expect(clean.message.entities).toEqual([
      { type: "bot_command", offset: 0, length: 6 },
      { type: "bold", offset: 9, length: 4 },
    ]);
    expect(clean.message.text.slice(9, 13)).toBe("bold");
    // Nothing to strip: the very same object.
    const plain = textUpdate("hello", { id: 2 });
    expect(withoutNul(plain as never)).toBe(plain);
  });

  it("a customer's message with a NUL gets a normal reply; the stored text has no NUL", async () => {
    const rig = await telegramRig(runTurn);
    try {
      await seedDemoCatalogIfEmpty(rig.main.deps);
      const user = { id: 8801, language_code: "en", first_name: "Nu" };
      const update = textUpdate(`Hello${NUL}, do you have OG Kush?`, user);
      const res = await rig.webhook(rig.main, update);
      expect(res.status, await res.clone().text()).toBe(200);
      const reply = await waitFor(() => rig.fake.sentTo(user.id)[0], 20_000, "the reply");
      expect(String(reply.params.text).length).toBeGreaterThan(0);
      const [p] = await rig.main.deps.db
        .select()
        .from(userProfiles)
        .where(eq(userProfiles.telegramUserId, user.id));
      const stored = await rig.main.deps.db.select().from(messages).where(eq(messages.userProfileId, p!.id));
      expect(stored.filter((m) => m.role === "user").map((m) => m.content)).toEqual([
        "Hello, do you have OG Kush?",
      ]);
      expect(stored.some((m) => m.role === "assistant")).toBe(true);
    } finally {
      await rig.close();
    }
  });
});
