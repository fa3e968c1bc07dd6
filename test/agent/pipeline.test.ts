/** The turn pipeline: one turn at a time, resuming after a restart, takeover, blocked customers, semantic cache. */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { offlineAgentModel } from "../../src/agent/models/index.js";
import { createOfflineModel } from "../../src/agent/models/offline.js";
import { cosine, localEmbedding } from "../../src/agent/semantic-cache.js";
import { runTurn } from "../../src/agent/turn.js";
import { createCache } from "../../src/cache/index.js";
import { CacheKeys } from "../../src/cache/keys.js";
import { systemClock } from "../../src/clock.js";
import { agentSessions, llmTraces, messages, semanticCache } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { createLogger } from "../../src/logger.js";
import { updateConversation } from "../../src/services/conversations.js";
import { getOrCreateWebProfile, updateProfile } from "../../src/services/profiles.js";
import { updateSettings } from "../../src/services/settings.js";
import { testConfig } from "../helpers/app.js";
import { agentDeps, customer } from "./support.js";

let deps: Deps & { close(): Promise<void> };
beforeAll(async () => {
  deps = await agentDeps();
});
afterAll(() => deps.close());

describe("one turn at a time per conversation", () => {
  test("two quick messages on one conversation do not interleave", async () => {
    const live = await agentDeps({ clock: systemClock });
    try {
      const log: string[] = [];
      const inner = createOfflineModel();
      // The offline model, slowed down and logging, so an overlap would show.
      const slow: LanguageModelV3 = {
        ...inner,
        async doGenerate(opts) {
          const last = opts.prompt.filter((m) => m.role === "user").pop();
          const text = last && Array.isArray(last.content) ? (last.content[0] as { text: string }).text : "";
          log.push(`start:${text}`);
          await new Promise((r) => setTimeout(r, 40));
          log.push(`end:${text}`);
          return inner.doGenerate(opts);
        },
      };
      const models = { primary: { ...offlineAgentModel(), model: slow }, fallback: offlineAgentModel() };
      const profile = await getOrCreateWebProfile(live, `u_${crypto.randomUUID()}`);
      const first = await runTurn(live, { channel: "web", profile, text: "hello", models });
      const [a, b] = await Promise.all([
        runTurn(live, {
          channel: "web",
          profile,
          text: "recommend something relaxing",
          conversationId: first.conversationId,
          models,
        }),
        runTurn(live, {
          channel: "web",
          profile,
          text: "how much is Gelato?",
          conversationId: first.conversationId,
          models,
        }),
      ]);
      expect(a.conversationId).toBe(b.conversationId);
      // Each turn's model calls finish before the other turn's begin: the log has two blocks.
      const turns = log.map((e) => e.split(":").slice(1).join(":")).filter((t) => t !== "hello");
      const switches = turns.filter((t, i) => i > 0 && t !== turns[i - 1]).length;
      expect(turns).toHaveLength(8);
      expect(switches).toBe(1);
      const saved = await live.db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, a.conversationId))
        .orderBy(messages.createdAt);
      expect(saved.map((m) => m.role)).toEqual([
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
      ]);
    } finally {
      await live.close();
    }
  });
});

describe("state survives a restart", () => {
  test("a new instance over the same database resumes the draft order", async () => {
    const c = await customer(deps);
    await c.say("I want to order 20g of Gelato");
    await c.say("my phone is +66 81 999 8888");
    // A new instance: same database, cold cache.
    const fresh = await createCache(testConfig(), createLogger("silent"));
    const restarted: Deps = { ...deps, cache: fresh };
    try {
      const profile = await getOrCreateWebProfile(restarted, c.profile.userId!);
      const r = await runTurn(restarted, {
        channel: "web",
        profile,
        text: "Hilton Hotel room 7",
        conversationId: c.conversationId,
      });
      expect(r.conversationId).toBe(c.conversationId);
      expect(r.content).toMatch(/pay/i);
      const [s] = await deps.db
        .select()
        .from(agentSessions)
        .where(eq(agentSessions.conversationId, c.conversationId!));
      const draft = (
        s!.state as {
          draft: { items: Array<{ name: string; quantity: string }>; phone: string; address: string };
        }
      ).draft;
      expect(draft.items).toEqual([expect.objectContaining({ name: "Gelato", quantity: "20" })]);
      expect(draft.phone).toBe("+66 81 999 8888");
      expect(draft.address).toBe("Hilton Hotel room 7");
    } finally {
      await fresh.close();
    }
  });
});

describe("takeover and blocked customers", () => {
  test("a conversation taken over by staff saves the message and stays silent", async () => {
    const c = await customer(deps);
    const first = await c.say("hello");
    await updateConversation(
      deps,
      { id: first.conversationId, userProfileId: c.profile.id },
      {
        takeoverUntil: new Date(deps.clock.now().getTime() + 10 * 60_000),
      },
    );
    const r = await c.say("are you there?");
    expect(r).toMatchObject({ silent: true, content: "" });
    const saved = await deps.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, first.conversationId));
    expect(saved.filter((m) => m.role === "user").map((m) => m.content)).toContain("are you there?");
    expect(saved.filter((m) => m.role === "assistant")).toHaveLength(1);
  });

  test("a blocked customer is refused politely, in their language", async () => {
    const c = await customer(deps);
    await updateProfile(deps, c.profile.id, { isBlocked: true, blockedReason: "abuse" });
    const r = await c.say("Посоветуй что-нибудь для сна");
    expect(r.content).toMatch(/Извините/);
    expect(r.suggestedProducts).toEqual([]);
    expect(
      await deps.db.select().from(llmTraces).where(eq(llmTraces.conversationId, r.conversationId)),
    ).toHaveLength(0);
  });
});

describe("the customer's message is written while the model runs", () => {
  test("taken over in the database but not yet in the cache: the write's answer wins, no reply", async () => {
    const c = await customer(deps);
    const first = await c.say("hello");
    // Straight to the database: the cached conversation still says nobody took it over.
    await deps.database.query(
      "update conversations set takeover_until = $1::timestamptz where id = $2::uuid",
      [new Date(deps.clock.now().getTime() + 10 * 60_000).toISOString(), first.conversationId],
    );
    const chunks: string[] = [];
    const r = await c.say("Посоветуй что-нибудь для сна", { onText: (t) => chunks.push(t) });
    expect(r).toMatchObject({ silent: true, content: "" });
    expect(chunks).toEqual([]);
    const rows = await deps.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, first.conversationId));
    expect(rows.filter((m) => m.role === "user").map((m) => m.content)).toContain(
      "Посоветуй что-нибудь для сна",
    );
    expect(rows.filter((m) => m.role === "assistant")).toHaveLength(1);
  });

  test("handed back in the database but still taken over in the cache: the turn answers, and the cache heals", async () => {
    const c = await customer(deps);
    const first = await c.say("hello");
    const key = CacheKeys.conversation(first.conversationId);
    const cached = await deps.cache.get<Record<string, unknown>>(key);
    expect(cached).toBeDefined();
    // A copy read before staff released the conversation: it still says taken over.
    await deps.cache.set(
      key,
      { ...cached, takeoverUntil: new Date(deps.clock.now().getTime() + 10 * 60_000).toISOString() },
      { ttl: 600 },
    );
    const r = await c.say("Посоветуй что-нибудь для сна");
    expect(r.silent).toBe(false);
    expect(r.content).not.toBe("");
    expect((await deps.cache.get<{ takeoverUntil: string | null }>(key))?.takeoverUntil).toBeNull();
    // And the next message is answered too.
    expect((await c.say("How much is OG Kush?")).silent).toBe(false);
  });

  test("blocked in the database but not yet in the cache: the reply is the refusal", async () => {
    const c = await customer(deps);
    await c.say("hello");
    await deps.database.query("update user_profiles set is_blocked = true where id = $1::uuid", [
      c.profile.id,
    ]);
    const chunks: string[] = [];
    const r = await c.say("What do you have for sleep?", { onText: (t) => chunks.push(t) });
    expect(r.content).toMatch(/sorry/i);
    expect(r.suggestedProducts).toEqual([]);
    expect(chunks.join("")).toBe(r.content);
  });

  test("when the message cannot be saved, no reply text is shown and nothing it would cause is written", async () => {
    const c = await customer(deps);
    const first = await c.say("hello");
    // The conversation row goes away behind the cache's back: the message's write finds nothing.
    await deps.database.query("delete from messages where conversation_id = $1::uuid", [
      first.conversationId,
    ]);
    await deps.database.query("delete from agent_sessions where conversation_id = $1::uuid", [
      first.conversationId,
    ]);
    await deps.database.query("delete from conversations where id = $1::uuid", [first.conversationId]);
    const chunks: string[] = [];
    await expect(c.say("I need a human please", { onText: (t) => chunks.push(t) })).rejects.toThrow();
    expect(chunks).toEqual([]);
    const notes = await deps.database.query("select 1 from notifications where conversation_id = $1::uuid", [
      first.conversationId,
    ]);
    expect(notes).toHaveLength(0);
  });
});

describe("semantic cache", () => {
  test("general questions: exact hit, near hit, invalidated by a settings change; never for personal answers", async () => {
    const q = "What are your opening hours?";
    const a = await (await customer(deps)).say(q);
    expect(a.content).toContain("10:00");
    const rows = await deps.db.select().from(semanticCache);
    expect(rows.map((r) => r.queryText)).toContain(q);
    const b = await (await customer(deps)).say(q);
    expect(b.content).toBe(a.content);
    const nodes = async (id: string) =>
      (await deps.db.select().from(llmTraces).where(eq(llmTraces.conversationId, id))).map((t) => t.nodeName);
    expect(await nodes(b.conversationId)).toEqual(["semantic_cache:exact"]);
    const near = "Hi! What are your opening hours?";
    expect(cosine(localEmbedding(q), localEmbedding(near))).toBeGreaterThanOrEqual(0.95);
    const n = await (await customer(deps)).say(near);
    expect(n.content).toBe(a.content);
    expect(await nodes(n.conversationId)).toEqual(["semantic_cache:near"]);

    await updateSettings(deps, { hours: { open: "09:00", close: "21:00" } }, "test");
    expect(await deps.db.select().from(semanticCache)).toHaveLength(0);
    const after = await (await customer(deps)).say(q);
    expect(after.content).toContain("09:00");
    expect(await nodes(after.conversationId)).not.toContain("semantic_cache:exact");
    await updateSettings(deps, { hours: { open: "10:00", close: "23:00" } }, "test");

    // An order in progress makes even a general question personal: not looked up, not stored.
    const c = await customer(deps);
    await c.say("I want to order 20g of Gelato");
    const mid = await c.say("Do you deliver? How much is delivery?");
    expect(await nodes(mid.conversationId)).not.toContain("semantic_cache:exact");
    const stored = await deps.db
      .select()
      .from(semanticCache)
      .where(and(eq(semanticCache.queryText, "Do you deliver? How much is delivery?")));
    expect(stored).toHaveLength(0);
  });
});
