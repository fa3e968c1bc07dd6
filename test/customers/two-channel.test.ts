/**
 * Two channels, one customer: a web customer (cookie) chats and orders, asks for a Telegram link
 * through the API, and the bot redeems it for a Telegram account that already chatted there.
 * Afterwards there is one profile with one history, and the context the assistant gets for the
 * Telegram identity includes what was said on the web.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import {
  agentEvents,
  conversations,
  memoryFacts,
  messages,
  orders,
  userProfiles,
} from "../../src/db/schema.js";
import { listCatalog, seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { endConversation } from "../../src/services/conversation-lifecycle.js";
import { addMessage, getOrCreateConversation } from "../../src/services/conversations.js";
import { getFullContext } from "../../src/services/customer-context.js";
import { learnFromMessage } from "../../src/services/memory/learn.js";
import { createOrder } from "../../src/services/orders/create.js";
import {
  getOrCreateTelegramProfile,
  getProfileById,
  recordCustomerMessage,
} from "../../src/services/profiles.js";
import { consumeLinkToken, createLinkToken } from "../../src/services/telegram-link.js";
import { createTestApp } from "../helpers/app.js";

const TG = { telegramUserId: 700_000_123, chatId: 700_000_123, firstName: "Anna", username: "anna_tg" };

describe("web + Telegram = one customer", () => {
  const clock = fixedClock("2025-03-10T09:00:00Z");
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let cookie = "";
  let webProfileId = "";

  beforeAll(async () => {
    t = await createTestApp({ clock });
    await seedDemoCatalogIfEmpty(t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  async function say(profileId: string, channel: "web" | "telegram", text: string) {
    const conv = await getOrCreateConversation(t.deps, {
      profileId,
      channel,
      language: "en",
      timeoutMinutes: 30,
    });
    const profile = await getProfileById(t.deps, profileId);
    await recordCustomerMessage(t.deps, profile!);
    const m = await addMessage(t.deps, conv, { role: "user", content: text });
    // What the "memory-extract" job does for each customer message.
    await learnFromMessage(t.deps, m.id);
    await addMessage(t.deps, conv, { role: "assistant", content: "Noted!" });
    return conv;
  }

  it("links a Telegram account that already had history, merging everything into the web profile", async () => {
    const me = await t.app.request("/api/me");
    cookie = (me.headers.get("set-cookie") ?? "").split(";")[0]!;
    webProfileId = ((await me.json()) as { id: string }).id;

    // On the web: an allergy, and two orders of the same strain.
    const webConv = await say(webProfileId, "web", "Hi! I'm allergic to peanuts.");
    const purple = (await listCatalog(t.deps)).find((i) => i.name === "Purple Haze")!;
    for (const day of [0, 1]) {
      clock.advance(day * 86_400_000);
      await createOrder(t.deps, {
        userProfileId: webProfileId,
        conversationId: day === 0 ? webConv.id : null,
        items: [{ productId: purple.id, quantity: 20 }],
        contactInfo: { phone: "+66 81 234 5678" },
        deliveryAddress: "Hilton Patong",
        paymentMethod: "cash",
        source: "web",
        createdBy: "customer",
      });
    }
    await endConversation(t.deps, webConv.id, "customer");

    // On Telegram, before linking: a separate profile with its own conversation and fact.
    const tgProfile = await getOrCreateTelegramProfile(t.deps, TG);
    expect(tgProfile.id).not.toBe(webProfileId);
    await say(tgProfile.id, "telegram", "My favourite colour is purple");
    const before = {
      conversations: (await t.deps.db.select().from(conversations)).length,
      messages: (await t.deps.db.select().from(messages)).length,
      events: (await t.deps.db.select().from(agentEvents)).length,
      facts: (await t.deps.db.select().from(memoryFacts)).length,
    };

    // The web customer asks for the link; the bot gets /start link_<token>.
    const res = await t.app.request("/api/me/telegram-link", { method: "POST", headers: { cookie } });
    expect(res.status).toBe(200);
    const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: string };
    expect(url).toMatch(/^https:\/\/t\.me\/your_bot\?start=link_[A-Za-z0-9_-]{43}$/);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(clock.now().getTime());
    const payload = url.split("start=")[1]!;
    const result = await consumeLinkToken(t.deps, payload, TG);
    expect(result).toMatchObject({ status: "linked", mergedProfileId: tgProfile.id });

    // One profile: the Telegram identity now resolves to the web profile.
    const again = await getOrCreateTelegramProfile(t.deps, TG);
    expect(again.id).toBe(webProfileId);
    expect(again.telegramUserId).toBe(TG.telegramUserId);
    expect(again.telegramUsername).toBe("anna_tg");
    expect(again.displayName).toBe("Anna");
    expect(again.totalConversations).toBe(2);
    expect(again.totalMessages).toBe(2);
    expect(again.totalOrders).toBe(2);
    // Nothing lost, everything re-pointed.
    const all = async <T extends { userProfileId: string | null }>(rows: Promise<T[]>) =>
      (await rows).map((r) => r.userProfileId);
    expect(await all(t.deps.db.select().from(conversations))).toEqual(
      Array(before.conversations).fill(webProfileId),
    );
    expect(await all(t.deps.db.select().from(messages))).toEqual(Array(before.messages).fill(webProfileId));
    expect(await all(t.deps.db.select().from(agentEvents))).toEqual(Array(before.events).fill(webProfileId));
    expect(await all(t.deps.db.select().from(memoryFacts))).toEqual(Array(before.facts).fill(webProfileId));
    expect(await all(t.deps.db.select().from(orders))).toEqual([webProfileId, webProfileId]);
    const [tomb] = await t.deps.db.select().from(userProfiles).where(eq(userProfiles.id, tgProfile.id));
    expect(tomb).toMatchObject({ mergedInto: webProfileId, telegramUserId: null, totalMessages: 0 });

    // The assistant on Telegram knows what was said on the web, and greets a regular.
    const ctx = await getFullContext(t.deps, again.id);
    expect(ctx?.paragraph).toContain("Allergic to peanuts");
    expect(ctx?.paragraph).toContain("Favourite colour: purple");
    expect(ctx?.lastConversation?.channel).toBe("web");
    expect(ctx?.usualProduct).toBe("Purple Haze");
    expect(ctx?.greeting).toBe("Welcome back, Anna! The usual Purple Haze?");
    // An id from before the link still leads to the merged customer.
    expect((await getFullContext(t.deps, tgProfile.id))?.profile.id).toBe(webProfileId);

    // The web side sees the link too.
    const me2 = (await (await t.app.request("/api/me", { headers: { cookie } })).json()) as Record<
      string,
      unknown
    >;
    expect(me2).toMatchObject({ id: webProfileId, telegramLinked: true, displayName: "Anna" });
  });

  it("a link token works once, expires, and is stored only hashed", async () => {
    const used = await createLinkToken(t.deps, webProfileId);
    const other = { ...TG, telegramUserId: 700_000_999, chatId: 700_000_999 };
    expect((await consumeLinkToken(t.deps, `link_${used.token}`, TG)).status).toBe("already_linked");
    expect((await consumeLinkToken(t.deps, `link_${used.token}`, TG)).status).toBe("used");
    const late = await createLinkToken(t.deps, webProfileId);
    clock.advance(31 * 60_000);
    expect((await consumeLinkToken(t.deps, late.token, other)).status).toBe("expired");
    expect((await consumeLinkToken(t.deps, "link_not-a-real-token-000000000000", other)).status).toBe(
      "invalid",
    );
    expect((await consumeLinkToken(t.deps, "link_x", other)).status).toBe("invalid");
    const fresh = await createLinkToken(t.deps, webProfileId);
    // The web profile already has a Telegram account: another one is refused, not swapped in.
    expect((await consumeLinkToken(t.deps, fresh.token, other)).status).toBe("conflict");
    const stored = await t.deps.database.query<{ token_hash: string }>(
      "select token_hash from telegram_link_tokens",
    );
    expect(stored.some((r) => r.token_hash === fresh.token)).toBe(false);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });
});
