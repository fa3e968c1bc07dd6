/**
 * The customer's own endpoints (/api/me, rating and ending conversations, widget events) and the
 * staff's customer/conversation admin: a customer only ever touches their own data.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { agentEvents, memoryFacts } from "../../src/db/schema.js";
import { getAiPerformance } from "../../src/services/analytics.js";
import { addMessage, getOrCreateConversation } from "../../src/services/conversations.js";
import { learnFromText } from "../../src/services/memory/learn.js";
import { createTestApp } from "../helpers/app.js";
import { type Json, requester } from "./support.js";

describe("customer endpoints and staff admin", () => {
  const clock = fixedClock("2025-05-01T10:00:00Z");
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const A = { cookie: "", id: "", conv: "" };
  const B = { cookie: "", id: "", conv: "" };

  const req = requester(() => t.app);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    for (const who of [A, B]) {
      const r = await req("/api/me");
      who.cookie = (r.res.headers.get("set-cookie") ?? "").split(";")[0]!;
      who.id = r.body.id as string;
      const conv = await getOrCreateConversation(t.deps, {
        profileId: who.id,
        channel: "web",
        language: "en",
        timeoutMinutes: 30,
      });
      await addMessage(t.deps, conv, { role: "user", content: "hello" });
      who.conv = conv.id;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it("GET /api/me is the caller's own profile", async () => {
    expect(A.id).not.toBe(B.id);
    expect((await req("/api/me", { cookie: A.cookie })).body).toMatchObject({
      id: A.id,
      telegramLinked: false,
    });
    expect((await req("/api/me", { cookie: B.cookie })).body).toMatchObject({ id: B.id });
    const patched = await req("/api/me", {
      method: "PATCH",
      cookie: A.cookie,
      body: { followupOptOut: true, language: "ru" },
    });
    expect(patched.body).toMatchObject({ id: A.id, followupOptOut: true, language: "ru" });
    const bad = await req("/api/me", { method: "PATCH", cookie: A.cookie, body: { isBlocked: false } });
    expect(bad.status).toBe(400);
  });

  it("customer B cannot rate or end customer A's conversation (404, nothing changes)", async () => {
    for (const path of [`/api/conversations/${A.conv}/rating`, `/api/conversations/${A.conv}/end`]) {
      const r = await req(path, { method: "POST", cookie: B.cookie, body: { rating: 1 } });
      expect(r.status, path).toBe(404);
    }
    const unknown = await req("/api/conversations/00000000-0000-4000-8000-000000000000/end", {
      method: "POST",
      cookie: B.cookie,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(
      (await req(`/api/conversations/${A.conv}/end`, { method: "POST", cookie: B.cookie })).body,
    );
    const events = await t.deps.db.select().from(agentEvents).where(eq(agentEvents.conversationId, A.conv));
    expect(events.map((e) => e.eventType)).toEqual(["session_start"]);
  });

  it("a customer rates their own conversation; bad ratings name the field; satisfaction updates now", async () => {
    for (const [body, field] of [
      [{ rating: 6 }, "rating"],
      [{ rating: 2.5 }, "rating"],
      [{ rating: "5" }, "rating"],
      [{ rating: 4, feedback: "x".repeat(2001) }, "feedback"],
    ] as const) {
      const r = await req(`/api/conversations/${A.conv}/rating`, { method: "POST", cookie: A.cookie, body });
      expect(r.status).toBe(400);
      expect((r.body.error as Json).message as string).toMatch(new RegExp(`^${field}`));
    }
    expect(
      (
        await req("/api/conversations/not-a-uuid/rating", {
          method: "POST",
          cookie: A.cookie,
          body: { rating: 3 },
        })
      ).status,
    ).toBe(400);
    expect((await getAiPerformance(t.deps)).satisfactionScore).toBeNull();
    const ok = await req(`/api/conversations/${A.conv}/rating`, {
      method: "POST",
      cookie: A.cookie,
      body: { rating: 4, feedback: "quick and friendly" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: A.conv, userSatisfaction: 4, feedback: "quick and friendly" });
    await req(`/api/conversations/${B.conv}/rating`, {
      method: "POST",
      cookie: B.cookie,
      body: { rating: 1 },
    });
    expect(await getAiPerformance(t.deps)).toMatchObject({ satisfactionScore: 2.5, ratingsCount: 2 });
    const fb = await t.deps.db
      .select()
      .from(agentEvents)
      .where(and(eq(agentEvents.conversationId, A.conv), eq(agentEvents.eventType, "feedback")));
    expect(fb.map((e) => e.eventData)).toEqual([{ rating: 4, feedback: "quick and friendly" }]);
  });

  it("a customer ends their own conversation once: summary, one session_end", async () => {
    const first = await req(`/api/conversations/${A.conv}/end`, { method: "POST", cookie: A.cookie });
    expect(first.status).toBe(200);
    expect(first.body.endedAt).toBe(clock.now().toISOString());
    expect(first.body.summary).toContain('Started with: "hello"');
    const again = await req(`/api/conversations/${A.conv}/end`, { method: "POST", cookie: A.cookie });
    expect(again.body.endedAt).toBe(first.body.endedAt);
    const ends = await t.deps.db
      .select()
      .from(agentEvents)
      .where(and(eq(agentEvents.conversationId, A.conv), eq(agentEvents.eventType, "session_end")));
    expect(ends).toHaveLength(1);
  });

  it("POST /api/events records for the cookie's customer only, validates, and rate-limits", async () => {
    const ok = await req("/api/events", {
      method: "POST",
      cookie: A.cookie,
      body: {
        type: "product_view",
        productName: "Purple Haze",
        conversationId: B.conv,
        data: { source: "card" },
      },
    });
    expect(ok.status).toBe(202);
    const [ev] = await t.deps.db.select().from(agentEvents).where(eq(agentEvents.eventType, "product_view"));
    // B's conversation id is not attached to A's event.
    expect(ev).toMatchObject({ userProfileId: A.id, conversationId: null, channel: "web" });
    expect(ev?.eventData).toMatchObject({ productName: "Purple Haze", source: "card" });
    const spoof = await req("/api/events", {
      method: "POST",
      cookie: A.cookie,
      body: { type: "voice_input", userProfileId: B.id },
    });
    expect(spoof.status).toBe(400);
    const badType = await req("/api/events", {
      method: "POST",
      cookie: A.cookie,
      body: { type: "order_success" },
    });
    expect(badType.status).toBe(400);
    expect((badType.body.error as Json).message as string).toMatch(/^type/);
    let limited = 0;
    for (let i = 0; i < 65; i++) {
      const r = await req("/api/events", { method: "POST", cookie: B.cookie, body: { type: "voice_input" } });
      if (r.status === 429) limited++;
    }
    expect(limited).toBeGreaterThan(0);
    const voice = await t.deps.db.select().from(agentEvents).where(eq(agentEvents.eventType, "voice_input"));
    expect(voice.length).toBeLessThanOrEqual(60);
  });

  it("staff see, correct and delete a customer's facts; customers cannot reach the admin API", async () => {
    await learnFromText(t.deps, {
      profileId: A.id,
      text: "I'm allergic to nuts. My favourite colour is red",
    });
    expect((await req(`/api/admin/customers/${A.id}`, { cookie: A.cookie })).status).toBe(401);
    const detail = await req(`/api/admin/customers/${A.id}`, { staff: true });
    expect(detail.status).toBe(200);
    const facts = detail.body.facts as Array<{ id: string; content: string }>;
    expect(facts.map((f) => f.content).sort()).toEqual(["Allergic to nuts", "Favourite colour: red"]);
    const colour = facts.find((f) => f.content.startsWith("Favourite"))!;
    const fixed = await req(`/api/admin/customers/${A.id}/facts/${colour.id}`, {
      method: "PATCH",
      staff: true,
      body: { content: "Favourite colour: dark red" },
    });
    expect(fixed.body).toMatchObject({ content: "Favourite colour: dark red" });
    // A fact id under another customer is not found.
    expect(
      (await req(`/api/admin/customers/${B.id}/facts/${colour.id}`, { method: "DELETE", staff: true }))
        .status,
    ).toBe(404);
    expect(
      (await req(`/api/admin/customers/${A.id}/facts/${colour.id}`, { method: "DELETE", staff: true }))
        .status,
    ).toBe(200);
    const added = await req(`/api/admin/customers/${A.id}/facts`, {
      method: "POST",
      staff: true,
      body: { content: "Prefers delivery after 6 pm", factType: "logistics", category: "delivery" },
    });
    expect(added.status).toBe(201);
    const bad = await req(`/api/admin/customers/${A.id}/facts`, {
      method: "POST",
      staff: true,
      body: { content: "x", factType: "gossip", category: "delivery" },
    });
    expect(bad.status).toBe(400);
    const ctx = await req(`/api/admin/customers/${A.id}/context`, { staff: true });
    expect(ctx.body.paragraph as string).toContain("Prefers delivery after 6 pm");
    expect(ctx.body.paragraph as string).not.toContain("red");

    const blocked = await req(`/api/admin/customers/${B.id}`, {
      method: "PATCH",
      staff: true,
      body: { isBlocked: true, blockedReason: "abuse", tags: ["vip"] },
    });
    expect(blocked.body).toMatchObject({ isBlocked: true, blockedReason: "abuse", tags: ["vip"] });
    const list = await req("/api/admin/customers?blocked=true", { staff: true });
    expect((list.body.items as Json[]).map((p) => p.id)).toEqual([B.id]);
    expect((await req("/api/admin/customers?sort=nope", { staff: true })).status).toBe(400);

    const convs = await req(`/api/admin/conversations?profileId=${A.id}`, { staff: true });
    expect(convs.body.total).toBe(1);
    const one = await req(`/api/admin/conversations/${A.conv}`, { staff: true });
    expect((one.body.messages as Json[]).map((m) => m.content)).toEqual(["hello"]);

    expect((await req(`/api/admin/customers/${A.id}`, { method: "DELETE", staff: true })).status).toBe(200);
    expect((await req(`/api/admin/customers/${A.id}`, { staff: true })).status).toBe(404);
    expect(await t.deps.db.select().from(memoryFacts).where(eq(memoryFacts.userProfileId, A.id))).toEqual([]);
  });
});
