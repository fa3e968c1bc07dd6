/**
 * Follow-ups (seed 003): one polite message after the delay for buying intent without an order;
 * never twice, never to an opted-out or blocked customer, cancelled by an order in the meantime;
 * Telegram through the sender, retried when it fails. Plus the idle-conversation sweep.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { agentEvents, followups, messages } from "../../src/db/schema.js";
import type { EnqueueOptions, JobQueue } from "../../src/jobs/types.js";
import { listCatalog, seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { endConversation, sweepConversations } from "../../src/services/conversation-lifecycle.js";
import { addMessage, type Conversation, getOrCreateConversation } from "../../src/services/conversations.js";
import { trackEvent } from "../../src/services/events.js";
import { runDueFollowups, scheduleFollowup } from "../../src/services/followups.js";
import { createOrder } from "../../src/services/orders/create.js";
import {
  getOrCreateTelegramProfile,
  getOrCreateWebProfile,
  updateProfile,
} from "../../src/services/profiles.js";
import { createTestApp } from "../helpers/app.js";

const HOUR = 3_600_000;

describe("follow-ups", () => {
  const clock = fixedClock("2025-04-01T08:00:00Z");
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const enqueued: Array<{ name: string; data: Record<string, unknown>; opts?: EnqueueOptions }> = [];
  const telegramSent: Array<{ chatId: number; text: string }> = [];
  let telegramDown = false;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const jobs: JobQueue = {
      enqueue: async (name, data, opts) => {
        enqueued.push({ name, data, opts });
      },
    };
    t.deps.jobs = jobs;
    t.deps.sendTelegram = async (chatId, text) => {
      if (telegramDown) throw new Error("telegram 502");
      telegramSent.push({ chatId, text });
    };
    await seedDemoCatalogIfEmpty(t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  async function intentConversation(
    profileId: string,
    channel: "web" | "telegram" = "web",
  ): Promise<Conversation> {
    const conv = await getOrCreateConversation(t.deps, {
      profileId,
      channel,
      language: "en",
      timeoutMinutes: 30,
    });
    await addMessage(t.deps, conv, { role: "user", content: "I want 20 g of Purple Haze" });
    await trackEvent(t.deps.db, {
      eventType: "order_attempt",
      userProfileId: profileId,
      conversationId: conv.id,
      at: clock.now(),
    });
    return conv;
  }
  const webCustomer = () =>
    getOrCreateWebProfile(t.deps, `u_00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`);
  const followupsOf = (profileId: string) =>
    t.deps.db.select().from(followups).where(eq(followups.userProfileId, profileId));

  it("buying intent without an order gets exactly one follow-up after the delay", async () => {
    const p = await webCustomer();
    const conv = await intentConversation(p.id);
    await endConversation(t.deps, conv.id, "customer");
    const [f] = await followupsOf(p.id);
    expect(f).toMatchObject({ status: "scheduled", channel: "web" });
    expect(f!.dueAt.getTime() - clock.now().getTime()).toBe(24 * HOUR);
    expect(enqueued.at(-1)).toMatchObject({
      name: "send-followup",
      data: { followupId: f!.id },
      opts: { delayMs: 24 * HOUR },
    });
    expect(
      await scheduleFollowup(t.deps, { profileId: p.id, conversationId: conv.id, channel: "web" }),
    ).toEqual({
      scheduled: false,
      reason: "exists",
    });

    expect((await runDueFollowups(t.deps)).sent).toBe(0);
    clock.advance(25 * HOUR);
    expect((await runDueFollowups(t.deps)).sent).toBe(1);
    expect((await runDueFollowups(t.deps)).sent).toBe(0);
    const sent = await t.deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conv.id), eq(messages.role, "assistant")));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.metadata).toEqual({ followupId: f!.id });
    expect((await followupsOf(p.id))[0]).toMatchObject({ status: "sent" });
  });

  it("never to an opted-out or blocked customer (checked again at send time)", async () => {
    const out = await webCustomer();
    await updateProfile(t.deps, out.id, { followupOptOut: true });
    const c1 = await intentConversation(out.id);
    expect(
      await scheduleFollowup(t.deps, { profileId: out.id, conversationId: c1.id, channel: "web" }),
    ).toMatchObject({
      reason: "opted_out",
    });
    const blocked = await webCustomer();
    await updateProfile(t.deps, blocked.id, { isBlocked: true });
    const c2 = await intentConversation(blocked.id);
    expect(
      await scheduleFollowup(t.deps, { profileId: blocked.id, conversationId: c2.id, channel: "web" }),
    ).toMatchObject({ reason: "blocked" });

    const late = await webCustomer();
    const c3 = await intentConversation(late.id);
    expect(
      (await scheduleFollowup(t.deps, { profileId: late.id, conversationId: c3.id, channel: "web" }))
        .scheduled,
    ).toBe(true);
    await updateProfile(t.deps, late.id, { followupOptOut: true });
    clock.advance(25 * HOUR);
    expect((await runDueFollowups(t.deps)).skipped).toBe(1);
    expect((await followupsOf(late.id))[0]?.status).toBe("skipped");
    expect(await followupsOf(out.id)).toEqual([]);
    expect(await followupsOf(blocked.id)).toEqual([]);
  });

  it("is cancelled when the customer ordered in the meantime", async () => {
    const p = await webCustomer();
    const conv = await intentConversation(p.id);
    await scheduleFollowup(t.deps, { profileId: p.id, conversationId: conv.id, channel: "web" });
    clock.advance(2 * HOUR);
    const item = (await listCatalog(t.deps)).find((i) => i.name === "Purple Haze")!;
    await createOrder(t.deps, {
      userProfileId: p.id,
      items: [{ productId: item.id, quantity: 20 }],
      contactInfo: { phone: "+66 81 000 0000" },
      deliveryAddress: "Patong",
      paymentMethod: "cash",
      source: "web",
      createdBy: "customer",
    });
    clock.advance(25 * HOUR);
    expect((await runDueFollowups(t.deps)).cancelled).toBe(1);
    expect((await followupsOf(p.id))[0]?.status).toBe("cancelled");
    // An order in the conversation itself means no follow-up is even scheduled.
    const conv2 = await intentConversation(p.id);
    await createOrder(t.deps, {
      userProfileId: p.id,
      conversationId: conv2.id,
      items: [{ productId: item.id, quantity: 20 }],
      contactInfo: { phone: "+66 81 000 0000" },
      deliveryAddress: "Patong",
      paymentMethod: "cash",
      source: "web",
      createdBy: "customer",
    });
    expect(
      await scheduleFollowup(t.deps, { profileId: p.id, conversationId: conv2.id, channel: "web" }),
    ).toMatchObject({
      reason: "ordered",
    });
  });

  it("goes to Telegram through the sender, and a failed send is retried, still only once delivered", async () => {
    const p = await getOrCreateTelegramProfile(t.deps, {
      telegramUserId: 5550001,
      chatId: 5550001,
      firstName: "Ivan",
    });
    const conv = await intentConversation(p.id, "telegram");
    await scheduleFollowup(t.deps, { profileId: p.id, conversationId: conv.id, channel: "telegram" });
    clock.advance(25 * HOUR);
    telegramDown = true;
    expect((await runDueFollowups(t.deps)).sent).toBe(0);
    expect((await followupsOf(p.id))[0]?.status).toBe("scheduled");
    telegramDown = false;
    expect((await runDueFollowups(t.deps)).sent).toBe(1);
    expect((await runDueFollowups(t.deps)).sent).toBe(0);
    expect(telegramSent).toEqual([{ chatId: 5550001, text: expect.stringContaining("Ivan") }]);
  });

  it("the sweep ends idle conversations once, summarizes them and schedules the follow-up", async () => {
    await sweepConversations(t.deps); // the earlier tests' conversations
    const p = await webCustomer();
    const conv = await intentConversation(p.id);
    await addMessage(t.deps, conv, {
      role: "assistant",
      content: "Purple Haze is great",
      productCards: ["Purple Haze"],
    });
    const lastMessageAt = clock.now().toISOString();
    clock.advance(10 * 60_000);
    expect((await sweepConversations(t.deps)).ended).toBe(0);
    clock.advance(60 * 60_000);
    expect((await sweepConversations(t.deps)).ended).toBe(1);
    await sweepConversations(t.deps);
    const ends = await t.deps.db
      .select()
      .from(agentEvents)
      .where(and(eq(agentEvents.conversationId, conv.id), eq(agentEvents.eventType, "session_end")));
    expect(ends).toHaveLength(1);
    const ended = await endConversation(t.deps, conv.id, "customer");
    // Ended by the timeout: at its last message, not when the sweep noticed.
    expect(ended.endedAt).toBe(lastMessageAt);
    expect(ended.summary).toContain('Started with: "I want 20 g of Purple Haze"');
    expect(ended.summary).toContain("Products shown: Purple Haze");
    expect(ended.summary).toContain("No order.");
    expect((await followupsOf(p.id))[0]?.status).toBe("scheduled");
  });
});
